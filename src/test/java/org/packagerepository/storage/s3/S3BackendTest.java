package org.packagerepository.storage.s3;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.packagerepository.http.ApiClient;
import org.packagerepository.http.Eventually;
import org.packagerepository.http.RawHttp;
import org.packagerepository.http.TestBytes;
import org.packagerepository.http.TestServer;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What only the S3 backend has: multipart uploads (with the checksum announced or not) that leave nothing behind
 * whatever happens, listings of more than one page, and a store that goes away and comes back.
 */
class S3BackendTest {

  private static final int MB64 = 64 * 1024 * 1024;
  private static final int MB5 = 5 * 1024 * 1024;
  private static final Duration CLEAN_UP = Duration.ofSeconds(20);

  private static S3TestStore store;
  private static int tests;

  private String prefix;
  private TestServer server;
  private ApiClient api;

  @BeforeAll
  static void startStore() throws Exception {
    store = S3TestStore.create();
  }

  @AfterAll
  static void closeStore() throws Exception {
    store.close();
  }

  @BeforeEach
  void startServerOnAFreshBucket() throws Exception {
    store.start();
    store.freshBucket();
    prefix = "releases/s3-" + (++tests);
    // 5 MiB parts: a 64 MiB package is 13 of them.
    startServer(new JsonObject().put("part_size", MB5));
  }

  /** A server on the test's prefix with {@code container} settings added. */
  private void startServer(JsonObject container) throws Exception {
    JsonObject config = store.section(prefix);
    config.getJsonObject("S3Repository").getJsonObject("container").mergeIn(container);
    server = TestServer.start(config);
    api = server.client();
  }

  private void restartServer(JsonObject container) throws Exception {
    server.close();
    server = null;
    startServer(container);
  }

  @AfterEach
  void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
    store.start();
    store.deleteBucket();
  }

  @Test
  void aLargeChunkedUploadGoesThroughMultipartAndComesBackByteExact() throws Exception {
    byte[] bytes = TestBytes.random(MB64 + 12_345, 1);
    HttpResponse<String> put = api.putChunked("big-1.0.0.tar.gz", bytes);
    assertEquals(200, put.statusCode(), put.body());
    assertEquals(TestBytes.sha256Hex(bytes), new JsonObject(put.body()).getString("sha256"));

    assertArrayEquals(bytes, api.get("big-1.0.0.tar.gz").body());
    HttpResponse<byte[]> range = api.get("big-1.0.0.tar.gz", "Range", "bytes=10485000-10486000");
    assertEquals(206, range.statusCode());
    assertArrayEquals(java.util.Arrays.copyOfRange(bytes, 10_485_000, 10_486_001), range.body());
    assertNothingLeftBehind(List.of("big-1.0.0.tar.gz"));
  }

  @Test
  void anAnnouncedChecksumGoesStraightToThePackagesKey() throws Exception {
    byte[] bytes = TestBytes.random(12 * 1024 * 1024, 2);
    HttpResponse<String> put = api.putChunked("sum-1.0.0.tar.gz", bytes, "X-Checksum-Sha256", TestBytes.sha256Hex(bytes));
    assertEquals(200, put.statusCode(), put.body());
    HttpResponse<byte[]> get = api.get("sum-1.0.0.tar.gz");
    assertArrayEquals(bytes, get.body());
    assertEquals("\"" + TestBytes.sha256Hex(bytes) + "\"", get.headers().firstValue("etag").orElseThrow());
    assertNothingLeftBehind(List.of("sum-1.0.0.tar.gz"));
  }

  @Test
  void aPackageLargerThanTheCopyPartSizeIsCopiedOntoItsKeyInPartsWithItsChecksum() throws Exception {
    restartServer(new JsonObject().put("part_size", MB5).put("copy_part_size", MB5));
    // 15 MiB and a bit, without its checksum: uploaded to .incoming/, then copied as four parts, three at 5 MiB
    byte[] bytes = TestBytes.random(3 * MB5 + 12_345, 9);
    String sha256 = TestBytes.sha256Hex(bytes);

    HttpResponse<String> put = api.putChunked("copied-1.0.0.tar.gz", bytes);

    assertEquals(200, put.statusCode(), put.body());
    HeadObjectResponse head = S3TestStore.await(store.client().headObject(r -> r.bucket(store.bucket())
      .key(prefix + "/copied-1.0.0.tar.gz")));
    assertTrue(head.eTag().endsWith("-4\""), "a multipart object of four parts: " + head.eTag());
    assertEquals(sha256, head.metadata().get("sha256"));
    assertEquals("application/gzip", head.contentType());
    HttpResponse<byte[]> get = api.get("copied-1.0.0.tar.gz");
    assertEquals(sha256, TestBytes.sha256Hex(get.body()));
    assertEquals("\"" + sha256 + "\"", get.headers().firstValue("etag").orElseThrow());
    HttpResponse<byte[]> range = api.get("copied-1.0.0.tar.gz", "Range", "bytes=5242870-5242889");
    assertArrayEquals(java.util.Arrays.copyOfRange(bytes, 5_242_870, 5_242_890), range.body(), "across two parts");
    assertNothingLeftBehind(List.of("copied-1.0.0.tar.gz"));
  }

  @Test
  void aWrongChecksumAbortsTheMultipartUploadAndStoresNothing() throws Exception {
    byte[] bytes = TestBytes.random(12 * 1024 * 1024, 3);
    // Announced up front, the checksum goes with the multipart upload to the package's key: it must not be completed.
    HttpResponse<String> put = api.putChunked("bad-1.0.0.tar.gz", bytes, "X-Checksum-Sha256",
      TestBytes.sha256Hex(new byte[1]));
    assertEquals(400, put.statusCode(), put.body());
    assertEquals(404, api.get("bad-1.0.0.tar.gz").statusCode());
    assertNothingLeftBehind(List.of());
  }

  @Test
  void aClientThatGoesAwayAfterSeveralPartsLeavesNoMultipartUpload() throws Throwable {
    byte[] old = TestBytes.random(1000, 4);
    api.upload("gone-1.0.0.tar.gz", old);
    try (RawHttp http = RawHttp.connect(server.port())) {
      http.sendHead("PUT", "/packages/gone-1.0.0.tar.gz", "Content-Length: " + MB64, "Expect: 100-continue");
      assertEquals(100, http.readResponse(false).status());
      http.send(TestBytes.random(20 * 1024 * 1024, 5));
    }
    Eventually.within(CLEAN_UP, () -> assertNothingLeftBehind(List.of("gone-1.0.0.tar.gz")));
    assertArrayEquals(old, api.get("gone-1.0.0.tar.gz").body());
  }

  @Test
  void aServerThatStopsDuringAnUploadAbortsItsMultipartUpload() throws Throwable {
    try (RawHttp http = RawHttp.connect(server.port())) {
      http.sendHead("PUT", "/packages/stop-1.0.0.tar.gz", "Content-Length: " + MB64, "Expect: 100-continue");
      assertEquals(100, http.readResponse(false).status());
      http.send(TestBytes.random(20 * 1024 * 1024, 7));
      Eventually.within(CLEAN_UP, () -> assertEquals(1, store.multipartUploadsInProgress().size()));

      server.close();
      server = null;
    }
    assertNothingLeftBehind(List.of());
  }

  @Test
  void aStoreThatGoesAwayDuringADownloadCutsTheConnectionInsteadOfHanging() throws Exception {
    byte[] bytes = TestBytes.random(MB64, 8);
    assertEquals(200, api.put("cut-1.0.0.tar.gz", bytes).statusCode());
    HttpResponse<java.io.InputStream> get = api.getStream("cut-1.0.0.tar.gz");
    assertEquals(200, get.statusCode());
    try (java.io.InputStream body = get.body()) {
      assertEquals(1024 * 1024, body.readNBytes(1024 * 1024).length);
      store.stop();
      // The rest of the package never comes: the client must see the connection end early, soon, not wait forever.
      long read = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
        long n = 1024 * 1024;
        try {
          for (byte[] chunk = body.readNBytes(65536); chunk.length > 0; chunk = body.readNBytes(65536)) {
            n += chunk.length;
          }
        } catch (java.io.IOException e) {
          return -1L;
        }
        return n;
      });
      assertTrue(read < MB64, "a cut download must not look complete (read " + read + " bytes)");
    }
  }

  @Test
  void aListingOfMoreThanOnePageIsComplete() throws Exception {
    for (int i = 0; i < 1_005; i++) {
      store.putDirectly(prefix + "/many-1.0." + i + ".tar.gz", new byte[] {(byte) i});
    }
    JsonArray listing = api.listing("?recency=2000");
    assertEquals(1, listing.size());
    assertEquals(1_005, listing.getJsonObject(0).getJsonArray("latest_versions").size());
  }

  @Test
  void aStoreThatGoesAwayGives503AndTheServerRecoversWithoutARestart() throws Exception {
    byte[] bytes = TestBytes.random(1000, 6);
    api.upload("up-1.0.0.tar.gz", bytes);

    assertEquals(200, api.call("GET", "/health/ready").statusCode());
    store.stop();
    ApiClient.assertNotReady(api);
    HttpResponse<byte[]> get = api.get("up-1.0.0.tar.gz");
    assertEquals(503, get.statusCode());
    assertTrue(new String(get.body()).contains("\"error\""), new String(get.body()));
    assertEquals(503, api.call("GET", "/packages").statusCode());
    assertEquals(503, api.put("down-1.0.0.tar.gz", bytes).statusCode());

    store.start();
    assertEquals(200, api.call("GET", "/health/ready").statusCode());
    assertArrayEquals(bytes, api.get("up-1.0.0.tar.gz").body());
    assertEquals(200, api.put("down-1.0.0.tar.gz", bytes).statusCode());
    assertEquals(200, api.call("GET", "/packages").statusCode());
  }

  /** No multipart upload in progress, and the bucket holds exactly the given packages under the prefix. */
  private void assertNothingLeftBehind(List<String> packages) throws Exception {
    assertEquals(List.of(), store.multipartUploadsInProgress(), "multipart uploads left in progress");
    List<String> expected = packages.stream().map(f -> prefix + "/" + f).sorted().toList();
    List<String> keys = store.keys().stream().filter(k -> !S3TestStore.isMultipartBookkeeping(k)).sorted().toList();
    assertEquals(expected, keys);
  }
}
