package org.packagerepository.storage.s3;

import io.vertx.core.json.JsonObject;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.logging.slf4j.config.SLF4JLoggingModule;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;

import java.net.URI;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real S3 endpoint for tests: S3Proxy 2.6.0 in-process on 127.0.0.1 and a random port, over an in-memory jclouds
 * {@code transient} blob store, with SigV4 (or V2) authentication under a random key pair.
 *
 * <p>The store has a current bucket, created empty with the store and replaced by {@link #freshBucket()}; every
 * helper works on the current bucket. The blob store outlives {@link #stop()}: {@link #start()} serves the same objects
 * again on the same port, as a store that went away and came back.
 *
 * <p>What S3Proxy 2.6.0 over {@code transient} does differently from AWS S3 (checked against it):
 * <ul>
 *   <li>{@code If-None-Match} and {@code If-Match} on PutObject and CompleteMultipartUpload are ignored: the object is
 *   overwritten. Conditional writes cannot be tested against it.</li>
 *   <li>A multipart upload in progress shows in ListObjects at the bucket root, as an object named after its upload id
 *   and objects {@code .mpus-<uploadId>-<key>-stub} and {@code .mpus-<uploadId>-<key>-<partNumber>}. Complete and
 *   abort remove them, except parts that the completion did not name, which stay as {@code .mpus-} objects for
 *   good (and then no longer show in ListMultipartUploads).</li>
 *   <li>The SDK's default checksums (aws-chunked body with a CRC trailer) are refused with 400 "The provided
 *   'x-amz-content-sha256' header does not match what was computed": clients need {@code WHEN_REQUIRED}.</li>
 *   <li>Without {@code ignoreUnknownHeaders(true)}, the SDK's multipart client fails its CompleteMultipartUpload with
 *   501 NotImplemented ("Unknown header x-amz-mp-object-size").</li>
 *   <li>Parts are not limited in size (8 MiB parts work although jclouds' local store claims a 5 MiB maximum).</li>
 * </ul>
 */
public final class S3TestStore implements AutoCloseable {

  public static final String REGION = "us-east-1";

  private static final long TIMEOUT_SECONDS = 30;
  private static final AtomicInteger BUCKETS = new AtomicInteger();
  /** What S3Proxy's multipart bookkeeping objects are named like, besides the bare upload id. */
  private static final String MULTIPART_PART_PREFIX = ".mpus-";
  private static final String CHECKSUMS = "/.checksums/";

  private final BlobStoreContext blobStores;
  private final String accessKey;
  private final String secretKey;
  private final int port;
  private final S3AsyncClient client;
  private S3Proxy proxy;
  private String bucket;

  private S3TestStore(BlobStoreContext blobStores, String accessKey, String secretKey, S3Proxy proxy) {
    this.blobStores = blobStores;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
    this.proxy = proxy;
    this.port = proxy.getPort();
    this.client = S3AsyncClient.builder()
      .endpointOverride(endpoint())
      .forcePathStyle(true)
      .region(Region.of(REGION))
      .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
      // S3Proxy 2.6.0 refuses the checksum trailers the SDK sends by default since 2.30
      .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
      .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
      .httpClientBuilder(NettyNioAsyncHttpClient.builder())
      .build();
  }

  /** Starts S3Proxy on a random free port of 127.0.0.1, with an empty bucket, objects in memory. */
  public static S3TestStore create() throws Exception {
    return create(ContextBuilder.newBuilder("transient")
      .credentials("identity", "credential")
      .modules(Set.of(new SLF4JLoggingModule()))
      .build(BlobStoreContext.class));
  }

  /** The same with the objects in files under {@code directory}: for packages too large to keep in memory. */
  public static S3TestStore createOnDisk(java.nio.file.Path directory) throws Exception {
    java.util.Properties properties = new java.util.Properties();
    properties.setProperty("jclouds.filesystem.basedir", directory.toString());
    return create(ContextBuilder.newBuilder("filesystem")
      .credentials("identity", "credential")
      .overrides(properties)
      .modules(Set.of(new SLF4JLoggingModule()))
      .build(BlobStoreContext.class));
  }

  private static S3TestStore create(BlobStoreContext blobStores) throws Exception {
    S3TestStore store = null;
    try {
      String accessKey = "AKTEST" + randomHex(7).toUpperCase();
      String secretKey = randomHex(20);
      S3Proxy proxy = startProxy(blobStores.getBlobStore(), 0, accessKey, secretKey);
      store = new S3TestStore(blobStores, accessKey, secretKey, proxy);
      store.freshBucket();
      return store;
    } catch (Exception | Error e) {
      if (store != null) {
        store.close();
      } else {
        blobStores.close();
      }
      throw e;
    }
  }

  private static S3Proxy startProxy(BlobStore blobStore, int port, String accessKey, String secretKey)
    throws Exception {
    S3Proxy proxy = S3Proxy.builder()
      .blobStore(blobStore)
      .endpoint(URI.create("http://127.0.0.1:" + port))
      .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
      // the SDK sends headers S3Proxy does not know (x-amz-sdk-checksum-algorithm, x-amz-mp-object-size, ...)
      .ignoreUnknownHeaders(true)
      .build();
    // Jetty's start() returns once the connector is bound: the state is STARTED or start() has thrown
    proxy.start();
    if (!"STARTED".equals(proxy.getState())) {
      proxy.stop();
      throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
    }
    return proxy;
  }

  // -----------------------------------------------------------------------------------------------------------------
  // Where it is

  /** {@code http://127.0.0.1:<port>}; the same across {@link #stop()} and {@link #start()}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public int port() {
    return port;
  }

  public String accessKey() {
    return accessKey;
  }

  public String secretKey() {
    return secretKey;
  }

  /** The current bucket. */
  public synchronized String bucket() {
    return bucket;
  }

  /** Creates a new, empty bucket through S3 and makes it the current one; returns its name. */
  public String freshBucket() throws Exception {
    String name = "packages-test-" + BUCKETS.incrementAndGet();
    await(client.createBucket(r -> r.bucket(name)));
    synchronized (this) {
      bucket = name;
    }
    return name;
  }

  /** Creates the bucket {@code name} through S3 and makes it the current one, as an operator's bucket made before. */
  public void useBucket(String name) throws Exception {
    await(client.createBucket(r -> r.bucket(name)));
    synchronized (this) {
      bucket = name;
    }
  }

  /** The bytes of an object of the current bucket, as another tool reads them. */
  public byte[] getDirectly(String key) throws Exception {
    String in = bucket();
    return await(client.getObject(r -> r.bucket(in).key(key),
      software.amazon.awssdk.core.async.AsyncResponseTransformer.toBytes())).asByteArray();
  }

  /**
   * The pr-config.json part for the server, on the current bucket:
   * {@code {"S3Repository": {"access": {...}, "container": {"bucket": .., "path": path}}}}.
   *
   * @param path the key prefix, without leading or trailing slash ({@code "outer/packages"}); empty for the bucket
   *             root
   */
  public JsonObject section(String path) {
    return new JsonObject().put("S3Repository", new JsonObject()
      .put("access", new JsonObject()
        .put("region", REGION)
        .put("access_key", accessKey)
        .put("secret_access_key", secretKey)
        .put("endpoint", endpoint().toString())
        .put("path_style", true))
      .put("container", new JsonObject()
        .put("bucket", bucket())
        .put("path", path)));
  }

  /** A client of the store's own (path style, {@code WHEN_REQUIRED} checksums), open until {@link #close()}. */
  public S3AsyncClient client() {
    return client;
  }

  // -----------------------------------------------------------------------------------------------------------------
  // Looking at it from outside

  /** Writes an object into the current bucket as another tool would: one PUT, no user metadata. */
  public void putDirectly(String key, byte[] bytes) throws Exception {
    String in = bucket();
    await(client.putObject(r -> r.bucket(in).key(key), AsyncRequestBody.fromBytes(bytes)));
  }

  /**
   * Every key in the current bucket, in S3's order, as ListObjectsV2 pages through them. With S3Proxy this includes
   * its multipart bookkeeping objects (see the class comment).
   */
  public List<String> keys() throws Exception {
    String in = bucket();
    List<String> keys = new ArrayList<>();
    await(client.listObjectsV2Paginator(r -> r.bucket(in)).contents().subscribe(object -> keys.add(object.key())));
    return keys;
  }

  /**
   * Every key of the current bucket ({@link #keys()}) but the checksum objects that packages name: a package uploaded
   * in parts without its SHA-256 announced keeps it in {@code <prefix>/.checksums/<file>/<id>}, its metadata
   * {@code checksum-id} saying which. A checksum object that no package names stays in the list, as any leftover.
   */
  public List<String> keysButNamedChecksums() throws Exception {
    List<String> keys = keys();
    Set<String> named = new java.util.HashSet<>();
    for (String key : keys) {
      if (isMultipartBookkeeping(key) || key.contains(CHECKSUMS) || key.endsWith("/")) {
        continue;
      }
      String id = metadata(key).get("checksum-id");
      if (id != null) {
        int slash = key.lastIndexOf('/');
        named.add(key.substring(0, slash + 1) + CHECKSUMS.substring(1) + key.substring(slash + 1) + "/" + id);
      }
    }
    return keys.stream().filter(k -> !named.contains(k)).toList();
  }

  /** The user metadata of object {@code key} of the current bucket; empty when it is gone. */
  public java.util.Map<String, String> metadata(String key) throws Exception {
    String in = bucket();
    try {
      return await(client.headObject(r -> r.bucket(in).key(key))).metadata();
    } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException e) {
      return java.util.Map.of();
    }
  }

  /** The keys of the multipart uploads in progress in the current bucket (ListMultipartUploads), once per upload. */
  public List<String> multipartUploadsInProgress() throws Exception {
    String in = bucket();
    List<String> keys = new ArrayList<>();
    await(client.listMultipartUploadsPaginator(r -> r.bucket(in)).uploads().subscribe(upload -> keys.add(upload.key())));
    return keys;
  }

  /**
   * Whether a key is one of the objects S3Proxy keeps for a multipart upload, which it lists like any object: the
   * upload id itself, {@code .mpus-<uploadId>-<key>-stub} or {@code .mpus-<uploadId>-<key>-<partNumber>}.
   */
  public static boolean isMultipartBookkeeping(String key) {
    return key.startsWith(MULTIPART_PART_PREFIX)
      || key.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  }

  /**
   * Removes the current bucket with everything in it, objects and multipart uploads, directly in the blob store (so it
   * works while S3Proxy is stopped). Call {@link #freshBucket()} before using the store again.
   */
  public void deleteBucket() {
    String name;
    synchronized (this) {
      name = bucket;
      bucket = null;
    }
    if (name != null) {
      blobStores.getBlobStore().deleteContainer(name);
    }
  }

  // -----------------------------------------------------------------------------------------------------------------
  // Going away and coming back

  /**
   * Stops S3Proxy: its port is closed, open connections are cut and requests fail until {@link #start()}. The objects
   * are kept. Nothing happens if it is stopped already.
   */
  public synchronized void stop() throws Exception {
    if (proxy != null) {
      S3Proxy stopping = proxy;
      proxy = null;
      stopping.stop();
    }
  }

  /**
   * Starts S3Proxy again on the same port, over the same objects (a new S3Proxy: a restarted one would take a new
   * random port). Fails if something else took the port meanwhile. Nothing happens if it is running.
   */
  public synchronized void start() throws Exception {
    if (proxy == null) {
      proxy = startProxy(blobStores.getBlobStore(), port, accessKey, secretKey);
    }
  }

  public synchronized boolean isRunning() {
    return proxy != null;
  }

  /** Stops S3Proxy, closes the client and drops every object. */
  @Override
  public void close() throws Exception {
    try {
      stop();
    } finally {
      try {
        client.close();
      } finally {
        blobStores.close();
      }
    }
  }

  // -----------------------------------------------------------------------------------------------------------------

  /** The result of an SDK future, waited for at most 30 s; its failure is thrown as it is when it is an exception. */
  public static <T> T await(CompletableFuture<T> future) throws Exception {
    try {
      return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
        cause = cause.getCause();
      }
      if (cause instanceof Exception exception) {
        throw exception;
      }
      throw e;
    }
  }

  private static String randomHex(int bytes) {
    byte[] random = new byte[bytes];
    new SecureRandom().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }
}
