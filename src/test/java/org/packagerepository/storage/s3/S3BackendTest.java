package org.packagerepository.storage.s3;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.packagerepository.http.ApiClient;
import org.packagerepository.http.Eventually;
import org.packagerepository.http.TestBytes;
import org.packagerepository.http.TestServer;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What only the S3 backend has: where a package's SHA-256 is kept, in its metadata when it is known before the upload
 * begins (announced, or the package fits one PUT), else in a checksum object its metadata names. What every backend does (uploads of many parts,
 * uploads that do not finish, listings of several pages, a store that goes away) is {@link S3BackendContractTest}'s.
 */
class S3BackendTest {

  private static final int MB5 = 5 * 1024 * 1024;
  private static final String BIG = "big-1.0.0.tar.gz";

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
  void aLargePackageWithoutItsChecksumAnnouncedIsWrittenOnceWithItsChecksumInTheObjectItsMetadataNames()
    throws Exception {
    // 15 MiB and a bit, without its checksum: four parts straight onto the package's key
    byte[] bytes = TestBytes.random(3 * MB5 + 12_345, 9);
    String sha256 = TestBytes.sha256Hex(bytes);

    HttpResponse<String> put = api.putChunked(BIG, bytes);

    assertEquals(200, put.statusCode(), put.body());
    HeadObjectResponse head = S3TestStore.await(store.client().headObject(r -> r.bucket(store.bucket())
      .key(prefix + "/" + BIG)));
    assertTrue(head.eTag().endsWith("-4\""), "the multipart object of its four parts, not a copy: " + head.eTag());
    assertEquals("application/gzip", head.contentType());
    assertEquals(null, head.metadata().get("sha256"), "metadata is fixed before the last byte: it names the checksum");
    assertEquals(sha256, checksumObject(BIG, head.metadata().get("checksum-id")));
    assertServed(bytes);
    HttpResponse<byte[]> range = api.get(BIG, "Range", "bytes=5242870-5242889");
    assertArrayEquals(java.util.Arrays.copyOfRange(bytes, 5_242_870, 5_242_890), range.body(), "across two parts");
    assertNothingLeftBehind(List.of(BIG));
  }

  @Test
  void aServerThatDidNotWriteItReadsTheChecksumFromItsChecksumObject() throws Exception {
    byte[] bytes = TestBytes.random(2 * MB5 + 1, 3);
    assertEquals(200, api.putChunked(BIG, bytes).statusCode());

    restartServer(new JsonObject().put("part_size", MB5));

    assertServed(bytes);
    assertEquals(TestBytes.sha256Hex(bytes), api.head(BIG).headers().firstValue("X-Checksum-Sha256").orElseThrow());
  }

  @Test
  void aReplacedOrDeletedPackageTakesItsChecksumObjectWithIt() throws Exception {
    byte[] first = TestBytes.random(2 * MB5 + 1, 4);
    byte[] second = TestBytes.random(2 * MB5 + 2, 5);
    assertEquals(200, api.putChunked(BIG, first).statusCode());
    String firstId = store.metadata(prefix + "/" + BIG).get("checksum-id");

    assertEquals(200, api.putChunked(BIG, second).statusCode());

    String secondId = store.metadata(prefix + "/" + BIG).get("checksum-id");
    assertTrue(firstId != null && secondId != null && !firstId.equals(secondId), firstId + " then " + secondId);
    assertServed(second);
    assertNothingLeftBehind(List.of(BIG));
    assertEquals(200, api.delete(BIG).statusCode());
    assertNothingLeftBehind(List.of());
  }

  @Test
  void aPackageWhoseChecksumObjectIsGoneIsServedUnderTheStoresEtag() throws Exception {
    byte[] bytes = TestBytes.random(2 * MB5 + 1, 6);
    assertEquals(200, api.putChunked(BIG, bytes).statusCode());
    HeadObjectResponse head = S3TestStore.await(store.client().headObject(r -> r.bucket(store.bucket())
      .key(prefix + "/" + BIG)));
    S3TestStore.await(store.client().deleteObject(r -> r.bucket(store.bucket())
      .key(prefix + "/.checksums/" + BIG + "/" + head.metadata().get("checksum-id"))));

    restartServer(new JsonObject().put("part_size", MB5));

    HttpResponse<byte[]> get = api.get(BIG);
    assertEquals(TestBytes.sha256Hex(bytes), TestBytes.sha256Hex(get.body()));
    assertEquals(head.eTag(), get.headers().firstValue("etag").orElseThrow(), "as a package another tool wrote");
    assertTrue(get.headers().firstValue("X-Checksum-Sha256").isEmpty());
  }

  @Test
  void whatAServerKilledDuringUploadsLeftIsRemovedWhenTheServerStarts() throws Throwable {
    byte[] bytes = TestBytes.random(2 * MB5 + 1, 7);
    assertEquals(200, api.putChunked(BIG, bytes).statusCode());
    String named = store.metadata(prefix + "/" + BIG).get("checksum-id");
    server.close();
    server = null;
    // What servers killed during uploads leave: a multipart upload on a package's key, a checksum object beside the
    // one the package names, and one of a package that never appeared
    String bucket = store.bucket();
    String killedUpload = S3TestStore.await(store.client().createMultipartUpload(r -> r.bucket(bucket)
      .key(prefix + "/" + BIG))).uploadId();
    store.putDirectly(prefix + "/.checksums/" + BIG + "/0b5e4d4e-7a3c-4c1e-9d3f-2f6a1c9b8e77", new byte[64]);
    store.putDirectly(prefix + "/.checksums/never-1.0.0.tar.gz/1c6f5e5f-8b4d-4d2f-8e4a-3a7b2d0c9f88", new byte[64]);
    // Not this server's: outside its path, and not a package's key
    String otherUpload = S3TestStore.await(store.client().createMultipartUpload(r -> r.bucket(bucket)
      .key("other/app-1.0.0.tar.gz"))).uploadId();
    String notAPackage = S3TestStore.await(store.client().createMultipartUpload(r -> r.bucket(bucket)
      .key(prefix + "/notes.txt"))).uploadId();

    // Any age: what a killed server left is made just now in this test
    startServer(new JsonObject().put("part_size", MB5).put("orphan_upload_age", 0));

    Eventually.within(Duration.ofSeconds(30), () -> {
      assertEquals(List.of("other/app-1.0.0.tar.gz", prefix + "/notes.txt"),
        store.multipartUploadsInProgress().stream().sorted().toList());
      assertEquals(List.of(prefix + "/.checksums/" + BIG + "/" + named, prefix + "/" + BIG),
        store.keys().stream().filter(k -> !S3TestStore.isMultipartBookkeeping(k)).sorted().toList());
    });
    assertServed(bytes);
    for (String[] upload : new String[][] {{"other/app-1.0.0.tar.gz", otherUpload},
      {prefix + "/notes.txt", notAPackage}}) {
      S3TestStore.await(store.client().abortMultipartUpload(r -> r.bucket(bucket).key(upload[0])
        .uploadId(upload[1])));
    }
    assertEquals(List.of(), store.multipartUploadsInProgress(), "the killed upload " + killedUpload + " was aborted");
  }

  /** Served whole, byte-exact, under its SHA-256 as ETag and checksum header. */
  private void assertServed(byte[] bytes) throws Exception {
    String sha256 = TestBytes.sha256Hex(bytes);
    HttpResponse<byte[]> get = api.get(BIG);
    assertEquals(200, get.statusCode());
    assertEquals(sha256, TestBytes.sha256Hex(get.body()));
    assertEquals("\"" + sha256 + "\"", get.headers().firstValue("etag").orElseThrow());
    assertEquals(sha256, get.headers().firstValue("X-Checksum-Sha256").orElseThrow());
  }

  private String checksumObject(String file, String id) throws Exception {
    assertTrue(id != null && id.matches("[0-9a-f-]{36}"), "a checksum id: " + id);
    return new String(store.getDirectly(prefix + "/.checksums/" + file + "/" + id),
      java.nio.charset.StandardCharsets.UTF_8);
  }

  /** No multipart upload in progress, and the bucket holds exactly the given packages under the prefix. */
  private void assertNothingLeftBehind(List<String> packages) throws Exception {
    assertEquals(List.of(), store.multipartUploadsInProgress(), "multipart uploads left in progress");
    List<String> expected = packages.stream().map(f -> prefix + "/" + f).sorted().toList();
    List<String> keys = store.keysButNamedChecksums().stream().filter(k -> !S3TestStore.isMultipartBookkeeping(k))
      .sorted().toList();
    assertEquals(expected, keys);
  }
}
