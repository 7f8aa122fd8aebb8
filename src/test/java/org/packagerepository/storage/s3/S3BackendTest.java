package org.packagerepository.storage.s3;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.packagerepository.http.ApiClient;
import org.packagerepository.http.TestBytes;
import org.packagerepository.http.TestServer;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

import java.net.http.HttpResponse;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What only the S3 backend has: an announced checksum that sends an upload straight to the package's key, and a
 * package larger than the copy part size copied onto its key in parts. What every backend does (uploads of many parts,
 * uploads that do not finish, listings of several pages, a store that goes away) is {@link S3BackendContractTest}'s.
 */
class S3BackendTest {

  private static final int MB5 = 5 * 1024 * 1024;

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
    // 5 MiB parts: a 12 MiB package is three of them.
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

  /** No multipart upload in progress, and the bucket holds exactly the given packages under the prefix. */
  private void assertNothingLeftBehind(List<String> packages) throws Exception {
    assertEquals(List.of(), store.multipartUploadsInProgress(), "multipart uploads left in progress");
    List<String> expected = packages.stream().map(f -> prefix + "/" + f).sorted().toList();
    List<String> keys = store.keys().stream().filter(k -> !S3TestStore.isMultipartBookkeeping(k)).sorted().toList();
    assertEquals(expected, keys);
  }
}
