package org.packagerepository.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.packagerepository.http.Eventually;
import org.packagerepository.http.RawHttp;
import org.packagerepository.http.TestBytes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Three members over one shared directory, each in its own JVM. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterFsTest {

  @TempDir
  Path dir;
  private ClusterMembers cluster;

  @BeforeEach
  void startMembers() throws Throwable {
    Path packages = Files.createDirectories(dir.resolve("packages"));
    cluster = new ClusterMembers(dir, i -> new JsonObject().put("FsRepository", new JsonObject()
      .put("location", new JsonObject().put("path", packages.toString()))), 3).start();
  }

  @AfterEach
  void stopMembers() throws Exception {
    cluster.close();
  }

  @Test
  void aChangeAnsweredByOneMemberShowsOnEveryOtherWithinASecond() throws Throwable {
    byte[] bytes = TestBytes.random(100_003, 1);
    RawHttp.Response put = RawHttp.exchange(cluster.get(0).port(), "PUT", "/packages/app-1.0.0.tar.gz", bytes);
    assertEquals(200, put.status(), put.statusLine());

    for (int i = 1; i < 3; i++) {
      int port = cluster.get(i).port();
      Eventually.within(Duration.ofSeconds(1), () -> assertEquals(1, listing(port).size()));
      RawHttp.Response get = RawHttp.exchange(port, "GET", "/packages/app-1.0.0.tar.gz", null);
      assertEquals(TestBytes.sha256Hex(bytes), TestBytes.sha256Hex(get.body()));
    }

    assertEquals(200, RawHttp.exchange(cluster.get(1).port(), "DELETE", "/packages/app-1.0.0.tar.gz", null).status());
    for (int i : new int[] {0, 2}) {
      int port = cluster.get(i).port();
      Eventually.within(Duration.ofSeconds(1), () -> {
        assertEquals(0, listing(port).size());
        assertEquals(404, RawHttp.exchange(port, "GET", "/packages/app-1.0.0.tar.gz", null).status());
      });
    }
  }

  private static JsonArray listing(int port) throws Exception {
    return new JsonArray(new String(RawHttp.exchange(port, "GET", "/packages", null).body()));
  }
}
