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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Retention with two members over one shared directory, each in its own JVM: a download answered by one member keeps
 * its version from a run on the other, and what one member deletes is gone on both.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterRetentionTest {

  @TempDir
  Path dir;
  private ClusterMembers cluster;

  @BeforeEach
  void startMembers() throws Throwable {
    Path packages = Files.createDirectories(dir.resolve("packages"));
    cluster = new ClusterMembers(dir, i -> new JsonObject().put("FsRepository", new JsonObject()
      .put("location", new JsonObject().put("path", packages.toString()))), 2)
      .withSettings(new JsonObject().put("retention", new JsonObject().put("keep_last", 1)
        .put("keep_downloaded_days", 1)))
      .start();
  }

  @AfterEach
  void stopMembers() throws Exception {
    cluster.close();
  }

  @Test
  void aVersionDownloadedFromOneMemberIsKeptByARunOnTheOtherAndWhatARunDeletesIsGoneOnBoth() throws Throwable {
    int first = cluster.get(0).port();
    int second = cluster.get(1).port();
    for (String file : List.of("app-1.0.0.tar.gz", "app-1.0.1.tar.gz", "app-2.0.0.tar.gz")) {
      assertEquals(200, RawHttp.exchange(first, "PUT", "/packages/" + file, TestBytes.random(1000, file.length()))
        .status());
    }
    Eventually.within(Duration.ofSeconds(1), () -> assertEquals(200,
      RawHttp.exchange(second, "GET", "/packages/app-1.0.0.tar.gz", null).status()));

    // when the member that answered the download stops (and stores what it recorded)
    cluster.get(1).process().terminate();
    assertEquals(143, cluster.get(1).process().waitFor(60), "exited on SIGTERM");

    // then a run on the other keeps the version downloaded there
    JsonObject dryRun = run(first, "?dry_run=true");
    assertEquals(List.of("app-1.0.1.tar.gz"), files(dryRun.getJsonArray("deleted")));
    assertEquals(2, dryRun.getInteger("kept"));

    // and once the stopped member is back, what a run on the first deletes is gone on both
    cluster.start(1);
    ClusterMembers.awaitSize(cluster.all(), 2);
    assertEquals(List.of("app-1.0.1.tar.gz"), files(run(first, "").getJsonArray("deleted")));
    Eventually.within(Duration.ofSeconds(1), () -> assertEquals(404,
      RawHttp.exchange(second, "GET", "/packages/app-1.0.1.tar.gz", null).status()));
    assertEquals(200, RawHttp.exchange(second, "GET", "/packages/app-1.0.0.tar.gz", null).status());
    assertEquals(List.of(), files(run(second, "").getJsonArray("deleted")));
  }

  private static JsonObject run(int port, String query) throws Exception {
    RawHttp.Response response = RawHttp.exchange(port, "POST", "/retention" + query, new byte[0]);
    assertEquals(200, response.status(), response.statusLine());
    return new JsonObject(new String(response.body()));
  }

  private static List<String> files(JsonArray entries) {
    List<String> files = new ArrayList<>();
    entries.forEach(entry -> files.add(((JsonObject) entry).getString("file")));
    return files;
  }
}
