package org.packagerepository;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.packagerepository.storage.s3.S3TestStore;
import org.packagerepository.storage.swift.SwiftTestNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A package four times larger than the server's whole heap goes in and comes out byte-exact: nothing on the way
 * holds a package in memory. The server runs in its own JVM with {@code -Xmx64m} (which also caps direct memory).
 */
class SmallHeapRoundTripTest {

  private static final long SIZE = 256L * 1024 * 1024 + 12_345;

  private ServerProcess server;

  @AfterEach
  void stopServer() throws InterruptedException {
    if (server != null) {
      server.close();
    }
  }

  @ParameterizedTest(name = "zero_copy={0}")
  @ValueSource(booleans = {true, false})
  void aPackageFourTimesTheHeapRoundTripsByteExact(boolean zeroCopy, @TempDir Path dir) throws Exception {
    Path config = dir.resolve("pr-config.json");
    Files.writeString(config, new JsonObject()
      .put("FsRepository", new JsonObject().put("location", new JsonObject()
        .put("path", dir.resolve("packages").toString()).put("zero_copy", zeroCopy)))
      .put("config", new JsonObject().put("port", 0)).encode());
    int port = startServer(config);

    Path upload = dir.resolve("upload.tar.gz");
    String sent = writeRandomFile(upload, SIZE);
    HttpClient client = HttpClient.newHttpClient();
    URI uri = URI.create("http://127.0.0.1:" + port + "/packages/big-1.0.0.tar.gz");

    HttpResponse<String> put = client.send(HttpRequest.newBuilder(uri)
      .PUT(HttpRequest.BodyPublishers.ofFile(upload)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, put.statusCode(), put.body());
    assertEquals(sent, new JsonObject(put.body()).getString("sha256"));
    Files.delete(upload);

    HttpResponse<InputStream> get = client.send(HttpRequest.newBuilder(uri).GET().build(),
      HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, get.statusCode());
    assertEquals(String.valueOf(SIZE), get.headers().firstValue("content-length").orElseThrow());
    assertEquals(sent, sha256(get.body()));
  }

  /**
   * The same through the S3 backend (S3Proxy in this JVM, objects on disk): a 1 GiB package goes up as a multipart
   * upload and comes back as a streamed GET, byte-exact, through a server with a 64 MiB heap.
   */
  @Test
  void anS3PackageOf1GiBRoundTripsByteExact(@TempDir Path dir) throws Exception {
    Path blobs = Files.createDirectories(dir.resolve("blobs"));
    try (S3TestStore store = S3TestStore.createOnDisk(blobs)) {
      JsonObject s3 = store.section("big");
      // The cache in the test's directory (a 1 GiB package goes into it).
      s3.getJsonObject("S3Repository").put("cache", new JsonObject().put("path", dir.resolve("cache").toString()));
      roundTripOf1GiB(dir, s3, true);
    }
  }

  /**
   * The same through the Swift backend (a real one-node Swift): a 1 GiB package without an announced checksum goes up
   * as four 256 MiB segments and a short one, then a manifest, and comes back as a streamed GET, byte-exact, through a
   * server with a 64 MiB heap.
   */
  @Test
  void aSwiftPackageOf1GiBRoundTripsByteExact(@TempDir Path dir) throws Exception {
    try (SwiftTestNode node = SwiftTestNode.start()) {
      String[] user = node.user().split(":");
      JsonObject swift = new JsonObject()
        .put("access", new JsonObject().put("auth_url", node.authUrl()).put("account", user[0]).put("user", user[1])
          .put("key", node.key()))
        .put("container", new JsonObject().put("container", "big").put("segment_size", 256 * 1024 * 1024))
        .put("cache", new JsonObject().put("path", dir.resolve("cache").toString()));
      roundTripOf1GiB(dir, new JsonObject().put("SwiftRepository", swift), false);
    }
  }

  /**
   * Starts a {@code -Xmx64m} server with {@code prConfig}, uploads 1 GiB of random bytes (announcing their SHA-256 or
   * not) and downloads them again, byte-exact.
   */
  private void roundTripOf1GiB(Path dir, JsonObject prConfig, boolean announce) throws Exception {
    Path config = dir.resolve("pr-config.json");
    Files.writeString(config, prConfig.put("config", new JsonObject().put("port", 0)).encode());
    int port = startServer(config);

    Path upload = dir.resolve("upload.tar.gz");
    long size = 1024L * 1024 * 1024 + 77;
    String sent = writeRandomFile(upload, size);
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    URI uri = URI.create("http://127.0.0.1:" + port + "/packages/big-1.0.0.tar.gz");
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).PUT(HttpRequest.BodyPublishers.ofFile(upload));
    if (announce) {
      request.header("X-Checksum-Sha256", sent);
    }
    HttpResponse<String> put = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, put.statusCode(), put.body());
    if (!announce) {
      assertEquals(sent, new JsonObject(put.body()).getString("sha256"));
    }
    Files.delete(upload);

    HttpResponse<InputStream> get = client.send(HttpRequest.newBuilder(uri).GET().build(),
      HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, get.statusCode());
    assertEquals(String.valueOf(size), get.headers().firstValue("content-length").orElseThrow());
    assertEquals(sent, sha256(get.body()));
    assertFalse(server.printed("OutOfMemoryError"), "The server ran out of memory");
  }

  /**
   * Far more uploads at once than a 64 MiB heap can stream side by side: the ones beyond the server's upload slots
   * wait without their bodies being read, and every one of them is stored byte-exact.
   */
  @Test
  void twoHundredConcurrentUploadsFitTheHeap(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("pr-config.json");
    Files.writeString(config, new JsonObject()
      .put("FsRepository", new JsonObject().put("location", new JsonObject()
        .put("path", dir.resolve("packages").toString()).put("fsync", false)))
      .put("config", new JsonObject().put("port", 0)).encode());
    int port = startServer(config);

    Path upload = dir.resolve("upload.tar.gz");
    String sent = writeRandomFile(upload, 4L * 1024 * 1024 + 7);
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<CompletableFuture<HttpResponse<String>>> puts = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      URI uri = URI.create("http://127.0.0.1:" + port + "/packages/many" + i + "-1.0.0.tar.gz");
      puts.add(client.sendAsync(HttpRequest.newBuilder(uri).PUT(HttpRequest.BodyPublishers.ofFile(upload)).build(),
        HttpResponse.BodyHandlers.ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> put : puts) {
      HttpResponse<String> response = put.get(120, TimeUnit.SECONDS);
      assertEquals(200, response.statusCode(), response.body());
      assertEquals(sent, new JsonObject(response.body()).getString("sha256"));
    }
    URI some = URI.create("http://127.0.0.1:" + port + "/packages/many199-1.0.0.tar.gz");
    assertEquals(sent, sha256(client.send(HttpRequest.newBuilder(some).GET().build(),
      HttpResponse.BodyHandlers.ofInputStream()).body()));
    assertFalse(server.printed("OutOfMemoryError"), "The server ran out of memory");
  }

  private int startServer(Path config) throws IOException {
    server = ServerProcess.start(config, "-Xmx64m");
    return server.port();
  }

  private static String writeRandomFile(Path path, long size) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    Random random = new Random(42);
    byte[] chunk = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(path)) {
      for (long left = size; left > 0; ) {
        random.nextBytes(chunk);
        int n = (int) Math.min(chunk.length, left);
        out.write(chunk, 0, n);
        digest.update(chunk, 0, n);
        left -= n;
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static String sha256(InputStream in) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (DigestInputStream digesting = new DigestInputStream(in, digest)) {
      digesting.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
