package org.packagerepository.storage.s3;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.packagerepository.http.TestBytes;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.packagerepository.storage.s3.S3TestStore.await;

/** The S3 test harness on its own, without the server: S3Proxy does what the S3 backend's tests rely on. */
@DisplayName("S3 test store (S3Proxy)")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class S3TestStoreTest {

  private static final int MIB = 1024 * 1024;

  private static S3TestStore store;
  private S3AsyncClient s3;
  private String bucket;

  @BeforeAll
  static void startStore() throws Exception {
    store = S3TestStore.create();
  }

  @AfterAll
  static void closeStore() throws Exception {
    if (store != null) {
      store.close();
    }
  }

  @BeforeEach
  void freshBucket() throws Exception {
    store.start();
    bucket = store.freshBucket();
    s3 = store.client();
  }

  @AfterEach
  void dropBucket() {
    store.deleteBucket();
  }

  @Test
  void aNewBucketIsEmpty() throws Exception {
    assertTrue(bucket.length() >= 3 && bucket.length() <= 63, bucket);
    assertEquals(List.of(), store.keys());
    assertEquals(List.of(), store.multipartUploadsInProgress());
  }

  @Test
  void theSectionDescribesTheStoreAndTheCurrentBucket() {
    JsonObject section = store.section("outer/packages");

    assertEquals(new JsonObject().put("S3Repository", new JsonObject()
      .put("access", new JsonObject()
        .put("region", "us-east-1")
        .put("access_key", store.accessKey())
        .put("secret_access_key", store.secretKey())
        .put("endpoint", "http://127.0.0.1:" + store.port())
        .put("path_style", true))
      .put("container", new JsonObject()
        .put("bucket", bucket)
        .put("path", "outer/packages"))), section);
    assertNotEquals(0, store.port());
  }

  @Test
  void requestsSignedWithAnotherSecretAreRefused() throws Exception {
    store.putDirectly("x", new byte[1]);
    try (S3AsyncClient stranger = clientWith(store.accessKey(), store.secretKey() + "0")) {
      S3Exception refused = assertThrows(S3Exception.class,
        () -> await(stranger.headObject(r -> r.bucket(bucket).key("x"))));
      assertEquals(403, refused.statusCode());
    }
  }

  @Test
  void anObjectKeepsItsUserMetadataAndIsReadByRange() throws Exception {
    byte[] bytes = TestBytes.random(100_003, 1);
    await(s3.putObject(r -> r.bucket(bucket).key("outer/app-1.0.0.tar.gz").contentType("application/gzip")
      .metadata(Map.of("sha256", TestBytes.sha256Hex(bytes))), AsyncRequestBody.fromBytes(bytes)));

    HeadObjectResponse head = await(s3.headObject(r -> r.bucket(bucket).key("outer/app-1.0.0.tar.gz")));
    ResponseBytes<GetObjectResponse> part = await(s3.getObject(
      r -> r.bucket(bucket).key("outer/app-1.0.0.tar.gz").range("bytes=1000-1999"), AsyncResponseTransformer.toBytes()));

    assertEquals(Map.of("sha256", TestBytes.sha256Hex(bytes)), head.metadata());
    assertEquals(bytes.length, head.contentLength());
    assertEquals("application/gzip", head.contentType());
    assertArrayEquals(Arrays.copyOfRange(bytes, 1000, 2000), part.asByteArray());
    assertEquals("bytes 1000-1999/" + bytes.length, part.response().contentRange());
    assertEquals(Map.of("sha256", TestBytes.sha256Hex(bytes)), part.response().metadata());
  }

  @Test
  void anObjectPutDirectlyHasNoUserMetadata() throws Exception {
    byte[] bytes = TestBytes.random(10, 2);
    store.putDirectly("outer/dropped-1.0.0.tar.gz", bytes);

    ResponseBytes<GetObjectResponse> got = await(s3.getObject(r -> r.bucket(bucket).key("outer/dropped-1.0.0.tar.gz"),
      AsyncResponseTransformer.toBytes()));

    assertArrayEquals(bytes, got.asByteArray());
    assertEquals(Map.of(), got.response().metadata());
    assertEquals(List.of("outer/dropped-1.0.0.tar.gz"), store.keys());
  }

  @Test
  void keysWithPlusSignsAndLongNamesRoundTrip() throws Exception {
    List<String> keys = List.of("p/app-1.2.3+build.7.tar.gz", "p/c++-tools-1.0.0.tar.gz",
      "p/" + "a".repeat(242) + "-1.0.0.tar.gz");
    for (String key : keys) {
      store.putDirectly(key, key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    for (String key : keys) {
      assertArrayEquals(key.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        await(s3.getObject(r -> r.bucket(bucket).key(key), AsyncResponseTransformer.toBytes())).asByteArray(), key);
    }
    assertEquals(keys.stream().sorted().toList(), store.keys());
  }

  @Test
  void aMultipartUploadCompletesIntoOneObjectWithItsMetadata() throws Exception {
    // a part of the 5 MiB minimum and a last part of 1 byte
    byte[] first = TestBytes.random(5 * MIB, 3);
    byte[] last = {42};
    String key = "outer/big-1.0.0.tar.gz";
    CreateMultipartUploadResponse upload = await(s3.createMultipartUpload(r -> r.bucket(bucket).key(key)
      .metadata(Map.of("sha256", "abc"))));
    assertEquals(List.of(key), store.multipartUploadsInProgress());

    UploadPartResponse part1 = await(s3.uploadPart(r -> r.bucket(bucket).key(key).uploadId(upload.uploadId())
      .partNumber(1), AsyncRequestBody.fromBytes(first)));
    UploadPartResponse part2 = await(s3.uploadPart(r -> r.bucket(bucket).key(key).uploadId(upload.uploadId())
      .partNumber(2), AsyncRequestBody.fromBytes(last)));
    await(s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(upload.uploadId())
      .multipartUpload(m -> m.parts(
        CompletedPart.builder().partNumber(1).eTag(part1.eTag()).build(),
        CompletedPart.builder().partNumber(2).eTag(part2.eTag()).build()))));

    ResponseBytes<GetObjectResponse> got = await(s3.getObject(r -> r.bucket(bucket).key(key),
      AsyncResponseTransformer.toBytes()));
    byte[] whole = Arrays.copyOf(first, first.length + 1);
    whole[first.length] = last[0];
    assertEquals(TestBytes.sha256Hex(whole), TestBytes.sha256Hex(got.asByteArray()));
    assertEquals(5L * MIB + 1, got.response().contentLength());
    assertEquals(Map.of("sha256", "abc"), got.response().metadata());
    assertEquals(List.of(), store.multipartUploadsInProgress());
    assertEquals(List.of(key), store.keys());
  }

  @Test
  void anAbortedMultipartUploadLeavesNothing() throws Exception {
    String key = "outer/inner/app-1.0.0.tar.gz";
    CreateMultipartUploadResponse upload = await(s3.createMultipartUpload(r -> r.bucket(bucket).key(key)));
    await(s3.uploadPart(r -> r.bucket(bucket).key(key).uploadId(upload.uploadId()).partNumber(1),
      AsyncRequestBody.fromBytes(TestBytes.random(5 * MIB, 4))));
    assertEquals(List.of(key), store.multipartUploadsInProgress());

    await(s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(upload.uploadId())));

    assertEquals(List.of(), store.multipartUploadsInProgress());
    assertEquals(List.of(), store.keys());
  }

  @Test
  @DisplayName("quirk: S3Proxy lists a multipart upload in progress as objects at the bucket root")
  void aMultipartUploadInProgressShowsAsBookkeepingObjects() throws Exception {
    String key = "outer/inner/app-1.0.0.tar.gz";
    CreateMultipartUploadResponse upload = await(s3.createMultipartUpload(r -> r.bucket(bucket).key(key)));
    await(s3.uploadPart(r -> r.bucket(bucket).key(key).uploadId(upload.uploadId()).partNumber(1),
      AsyncRequestBody.fromBytes(new byte[10])));

    List<String> keys = store.keys();

    assertEquals(List.of(".mpus-" + upload.uploadId() + "-" + key + "-1", ".mpus-" + upload.uploadId() + "-" + key
      + "-stub", upload.uploadId()), keys);
    assertTrue(keys.stream().allMatch(S3TestStore::isMultipartBookkeeping), keys::toString);
    assertFalse(S3TestStore.isMultipartBookkeeping(key));
    // none of it under the prefix the server lists
    ListObjectsV2Response underPrefix = await(s3.listObjectsV2(r -> r.bucket(bucket).prefix("outer/")));
    assertEquals(List.of(), underPrefix.contents());
  }

  @Test
  @DisplayName("quirk: S3Proxy 2.6.0 ignores If-None-Match and If-Match on PutObject")
  void conditionalWritesAreIgnored() throws Exception {
    String key = "outer/app-1.0.0.tar.gz";
    store.putDirectly(key, new byte[] {1});

    await(s3.putObject(r -> r.bucket(bucket).key(key).ifNoneMatch("*"), AsyncRequestBody.fromBytes(new byte[] {2})));
    byte[] afterCreateOnly = await(s3.getObject(r -> r.bucket(bucket).key(key), AsyncResponseTransformer.toBytes()))
      .asByteArray();
    await(s3.putObject(r -> r.bucket(bucket).key(key).ifMatch("\"00000000000000000000000000000000\""),
      AsyncRequestBody.fromBytes(new byte[] {3})));
    byte[] afterStaleMatch = await(s3.getObject(r -> r.bucket(bucket).key(key), AsyncResponseTransformer.toBytes()))
      .asByteArray();

    // AWS S3 would answer 412 to both and keep {1}
    assertArrayEquals(new byte[] {2}, afterCreateOnly);
    assertArrayEquals(new byte[] {3}, afterStaleMatch);
  }

  @Test
  void aListingOfMoreThan1000KeysComesInPages() throws Exception {
    List<CompletableFuture<?>> puts = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 1001; i++) {
      String key = String.format("outer/many-%04d", i);
      expected.add(key);
      puts.add(s3.putObject(r -> r.bucket(bucket).key(key), AsyncRequestBody.fromBytes(new byte[] {(byte) 1})));
    }
    await(CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)));

    ListObjectsV2Response firstPage = await(s3.listObjectsV2(r -> r.bucket(bucket).prefix("outer/")));
    ListObjectsV2Response smallPage = await(s3.listObjectsV2(r -> r.bucket(bucket).prefix("outer/").maxKeys(7)));
    List<String> all = store.keys();

    assertEquals(1000, firstPage.contents().size());
    assertTrue(firstPage.isTruncated());
    assertEquals(7, smallPage.contents().size());
    assertTrue(smallPage.isTruncated());
    assertEquals(expected, all);
  }

  @Test
  void aStoppedStoreRefusesConnectionsAndServesTheSameObjectsWhenStartedAgain() throws Exception {
    byte[] bytes = TestBytes.random(1000, 5);
    store.putDirectly("outer/app-1.0.0.tar.gz", bytes);
    int port = store.port();

    store.stop();

    assertFalse(store.isRunning());
    assertThrows(ConnectException.class, () -> connect(port));
    assertThrows(SdkClientException.class, () -> await(s3.headObject(r -> r.bucket(bucket).key("outer/app-1.0.0.tar.gz"))));

    store.start();

    assertTrue(store.isRunning());
    assertEquals(port, store.port());
    assertEquals("http://127.0.0.1:" + port, store.section("").getJsonObject("S3Repository").getJsonObject("access")
      .getString("endpoint"));
    connect(port);
    assertArrayEquals(bytes, await(s3.getObject(r -> r.bucket(bucket).key("outer/app-1.0.0.tar.gz"),
      AsyncResponseTransformer.toBytes())).asByteArray());
    store.putDirectly("outer/app-2.0.0.tar.gz", bytes);
    assertEquals(List.of("outer/app-1.0.0.tar.gz", "outer/app-2.0.0.tar.gz"), store.keys());
  }

  @Test
  void stoppingCutsADownloadInProgress() throws Exception {
    // far more than the socket buffers and the SDK's queue hold, so that most of it is still unsent at the stop
    byte[] bytes = new byte[32 * MIB];
    store.putDirectly("outer/big-1.0.0.tar.gz", bytes);
    try (InputStream download = await(s3.getObject(r -> r.bucket(bucket).key("outer/big-1.0.0.tar.gz"),
      AsyncResponseTransformer.toBlockingInputStream()))) {
      assertEquals(65_536, download.readNBytes(65_536).length);

      store.stop();

      // the SDK's blocking stream reports the short body ("Response had content-length of ... but only received ...")
      assertThrows(IOException.class, download::readAllBytes);
    }
  }

  @Test
  void aFreshBucketIsEmptyAndTheOldOneCanBeDropped() throws Exception {
    store.putDirectly("outer/app-1.0.0.tar.gz", new byte[1]);
    String old = bucket;

    bucket = store.freshBucket();

    assertNotEquals(old, bucket);
    assertEquals(bucket, store.bucket());
    assertEquals(List.of(), store.keys());
    store.deleteBucket();
    S3Exception gone = assertThrows(S3Exception.class, () -> await(s3.headBucket(r -> r.bucket(bucket))));
    assertEquals(404, gone.statusCode());
    // the first one is untouched; dropped here through S3
    assertEquals(1, await(s3.listObjectsV2(r -> r.bucket(old))).contents().size());
    await(s3.deleteObject(r -> r.bucket(old).key("outer/app-1.0.0.tar.gz")));
    await(s3.deleteBucket(r -> r.bucket(old)));
  }

  // -----------------------------------------------------------------------------------------------------------------

  private static S3AsyncClient clientWith(String accessKey, String secretKey) {
    return S3AsyncClient.builder()
      .endpointOverride(URI.create("http://127.0.0.1:" + store.port()))
      .forcePathStyle(true)
      .region(Region.US_EAST_1)
      .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
      .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
      .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
      .httpClientBuilder(NettyNioAsyncHttpClient.builder())
      .build();
  }

  private static void connect(int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    }
  }
}
