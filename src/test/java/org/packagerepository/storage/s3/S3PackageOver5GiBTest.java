package org.packagerepository.storage.s3;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.packagerepository.http.TestServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "Any size" on S3: a package over 5 GiB (the most one PUT or one CopyObject takes), uploaded without its SHA-256
 * announced, is stored with its checksum (in its checksum object) and served byte-exact. Its bytes come from a
 * generator as the client sends them, never from a file or an array.
 *
 * <p>S3Proxy keeps the objects on disk; the run needs about twice the package's size free in the temporary directory
 * for a moment (the upload's parts, and the object they complete into).
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class S3PackageOver5GiBTest {

  private static final long SIZE = 5L * 1024 * 1024 * 1024 + 512L * 1024 * 1024 + 12_345;
  private static final long DISK_NEEDED = 2 * SIZE + 2L * 1024 * 1024 * 1024;
  private static final String FILE = "huge-1.0.0.tar.gz";

  @Test
  void aPackageOver5GiBWithoutAnAnnouncedChecksumIsStoredVerifiedAndServedByteExact(@TempDir Path dir)
    throws Exception {
    long free = Files.getFileStore(dir).getUsableSpace();
    assertTrue(free > DISK_NEEDED, "this test needs " + (DISK_NEEDED >> 30) + " GiB free in " + dir.getParent()
      + " (java.io.tmpdir) for S3Proxy's files; there are " + (free >> 30));
    try (S3TestStore store = S3TestStore.createOnDisk(Files.createDirectories(dir.resolve("blobs")))) {
      JsonObject config = store.section("releases");
      // Served from the store: the cache would need another copy on disk, and is not what is tested here.
      config.getJsonObject("S3Repository").put("cache", new JsonObject().put("enabled", false));
      try (TestServer server = TestServer.start(config)) {
        URI uri = server.uri("/packages/" + FILE);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Generated body = new Generated(SIZE);

        // Expect: 100-continue as curl sends it: nothing is refused up front for its size
        HttpResponse<String> put = client.send(HttpRequest.newBuilder(uri).expectContinue(true)
          .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> body), SIZE))
          .build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, put.statusCode(), put.body());
        String sent = body.sha256();
        assertEquals(SIZE, body.count);
        assertEquals(sent, new JsonObject(put.body()).getString("sha256"));
        String checksumId = store.metadata("releases/" + FILE).get("checksum-id");
        assertEquals(sent, new String(store.getDirectly("releases/.checksums/" + FILE + "/" + checksumId),
          java.nio.charset.StandardCharsets.UTF_8), "the checksum is in the checksum object the metadata names");
        assertEquals(List.of(), store.multipartUploadsInProgress());
        // (jclouds' file-system store lists its directories too, as keys ending in /)
        assertEquals(List.of("releases/" + FILE), store.keysButNamedChecksums().stream()
          .filter(k -> !S3TestStore.isMultipartBookkeeping(k) && !k.endsWith("/")).toList(),
          "nothing left behind");

        HttpResponse<InputStream> get = client.send(HttpRequest.newBuilder(uri).GET().build(),
          HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, get.statusCode());
        assertEquals(String.valueOf(SIZE), get.headers().firstValue("content-length").orElseThrow());
        assertEquals("\"" + sent + "\"", get.headers().firstValue("etag").orElseThrow());
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (DigestInputStream in = new DigestInputStream(get.body(), digest)) {
          assertEquals(SIZE, in.transferTo(OutputStream.nullOutputStream()));
        }
        assertEquals(sent, HexFormat.of().formatHex(digest.digest()), "the bytes served are the bytes sent");
      }
    }
  }

  /**
   * {@code size} pseudo-random bytes made as they are read, hashed on the way: a 1 MiB random block, each copy of it
   * stamped with its position so that no two MiB of the package are alike.
   */
  private static final class Generated extends InputStream {

    private static final int BLOCK = 1024 * 1024;

    private final long size;
    private final byte[] block = new byte[BLOCK];
    private final MessageDigest digest;
    private long count;

    Generated(long size) throws Exception {
      this.size = size;
      this.digest = MessageDigest.getInstance("SHA-256");
      new SplittableRandom(55).nextBytes(block);
    }

    @Override
    public int read(byte[] into, int offset, int length) {
      if (count == size) {
        return -1;
      }
      int at = (int) (count % BLOCK);
      if (at == 0) {
        long index = count / BLOCK;
        for (int i = 0; i < Long.BYTES; i++) {
          block[i] = (byte) (index >>> (8 * i));
        }
      }
      int n = (int) Math.min(Math.min(length, BLOCK - at), size - count);
      System.arraycopy(block, at, into, offset, n);
      digest.update(into, offset, n);
      count += n;
      return n;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    String sha256() {
      return HexFormat.of().formatHex(digest.digest());
    }
  }
}
