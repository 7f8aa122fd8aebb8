package org.packagerepository.storage.cache;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.packagerepository.http.TcpForwarder;
import org.packagerepository.http.TestBytes;
import org.packagerepository.http.TestServer;
import org.packagerepository.storage.s3.S3TestStore;
import org.packagerepository.storage.swift.SwiftTestNode;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A cluster-wide deploy against each remote store: many hosts ask at once for a package this server has not cached,
 * and the store sees exactly one GET of it (counted at a TCP forwarder in front of the store), while every host gets
 * exact bytes.
 */
class RemoteCacheTest {

  private static final int SIZE = 50 * 1000 * 1000;
  private static final int HOSTS = 200;
  private static final String FILE = "deploy-1.0.0.tar.gz";

  private static S3TestStore s3;
  private static SwiftTestNode swift;

  @BeforeAll
  static void startStores() throws Exception {
    s3 = S3TestStore.create();
    swift = SwiftTestNode.start();
  }

  @AfterAll
  static void stopStores() throws Exception {
    if (s3 != null) {
      s3.close();
    }
    if (swift != null) {
      swift.close();
    }
  }

  @Test
  void twoHundredHostsAskingForAnUncachedPackageCostS3OneGet() throws Exception {
    s3.freshBucket();
    try (TcpForwarder forwarder = TcpForwarder.to(s3.port())) {
      JsonObject config = s3.section("releases");
      config.getJsonObject("S3Repository").getJsonObject("access").put("endpoint", "http://127.0.0.1:" + forwarder.port());
      config.getJsonObject("S3Repository").put("cache", new JsonObject().put("enabled", true));
      assertOneStoreGet(config, forwarder, "GET /" + s3.bucket() + "/releases/" + FILE);
    }
  }

  @Test
  void twoHundredHostsAskingForAnUncachedPackageCostSwiftOneGet() throws Exception {
    try (TcpForwarder forwarder = TcpForwarder.to(swift.proxyPort())) {
      String[] user = swift.user().split(":");
      JsonObject section = new JsonObject()
        .put("access", new JsonObject().put("auth_url", "http://127.0.0.1:" + forwarder.port() + "/auth/v1.0")
          .put("account", user[0]).put("user", user[1]).put("key", swift.key()))
        .put("container", new JsonObject().put("container", "deploys").put("path", "releases"))
        .put("cache", new JsonObject().put("enabled", true));
      assertOneStoreGet(new JsonObject().put("SwiftRepository", section), forwarder,
        "GET /v1/AUTH_" + user[0] + "/deploys/releases/" + FILE);
    }
  }

  private static void assertOneStoreGet(JsonObject config, TcpForwarder forwarder, String storeGet) throws Exception {
    byte[] bytes = TestBytes.random(SIZE, 1);
    String sha256 = TestBytes.sha256Hex(bytes);
    forwarder.count(storeGet);
    try (TestServer server = TestServer.start(config)) {
      assertEquals(200, server.client().put(FILE, bytes).statusCode());
      assertEquals(0, forwarder.timesSent(storeGet), "an upload does not read the package back");

      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpRequest get = HttpRequest.newBuilder(server.uri("/packages/" + FILE)).GET().build();
      List<CompletableFuture<String>> hosts = new ArrayList<>();
      for (int i = 0; i < HOSTS; i++) {
        hosts.add(http.sendAsync(get, HttpResponse.BodyHandlers.ofInputStream()).thenApply(response -> {
          try (InputStream body = response.body()) {
            assertEquals(200, response.statusCode());
            TestBytes.Hashed hashed = TestBytes.sha256Hex(body);
            return hashed.sha256() + "/" + hashed.length();
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }));
      }
      for (CompletableFuture<String> host : hosts) {
        assertEquals(sha256 + "/" + SIZE, host.get(120, TimeUnit.SECONDS));
      }
      assertEquals(1, forwarder.timesSent(storeGet), "GETs of the package the store saw");

      // Cached now: served from this server's disk, the store not asked again.
      HttpResponse<InputStream> again = http.send(get, HttpResponse.BodyHandlers.ofInputStream());
      assertEquals(sha256, TestBytes.sha256Hex(again.body()).sha256());
      assertEquals(1, forwarder.timesSent(storeGet));

      // The counters say the same.
      HttpResponse<String> stats = http.send(HttpRequest.newBuilder(server.uri("/stats")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
      assertEquals(200, stats.statusCode());
      JsonObject cache = new JsonObject(stats.body()).getJsonObject("cache");
      assertEquals(true, cache.getBoolean("enabled"));
      assertEquals(1, cache.getLong("misses"), stats.body());
      assertEquals(HOSTS, cache.getLong("coalesced") + cache.getLong("hits"),
        "every other read followed the fill or read the cached file: " + stats.body());
      assertEquals(SIZE, cache.getLong("storeBytes"), stats.body());
      assertEquals(SIZE, cache.getLong("usedBytes"), stats.body());
    }
  }
}
