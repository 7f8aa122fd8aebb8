package org.packagerepository.storage.fs;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.packagerepository.http.ApiClient;
import org.packagerepository.http.Race;
import org.packagerepository.http.RawHttp;
import org.packagerepository.http.TestBytes;
import org.packagerepository.http.TestServer;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What only the file-system backend does: files of other tools, overwrite protection, start-up clean-up, hidden files
 * and traversals. What every backend does (uploads that do not finish, a store that goes away: here the directory) is
 * {@link FsBackendContractTest}'s.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FsBackendTest {

  private static final String APP = "app-1.0.0.tar.gz";

  @TempDir
  Path sandbox;

  private FsTestStorage storage;
  private TestServer server;
  private ApiClient api;

  private void start(boolean allowOverwrite) throws Exception {
    storage = new FsTestStorage(sandbox);
    JsonObject config = storage.section(true).put("config", new JsonObject().put("allow_overwrite", allowOverwrite));
    server = TestServer.start(config);
    api = server.client();
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aFileThatAnotherToolDroppedIsListedAndServedWithItsChecksum() throws Exception {
    // given a running server, and a package copied into its directory by hand
    start(true);
    byte[] bytes = TestBytes.random(1_000_003, 1);
    Files.write(storage.root().resolve("dropped-3.2.1.tar.gz"), bytes);

    // when it is listed and downloaded
    JsonArray listing = api.listing();
    HttpResponse<byte[]> response = api.get("dropped-3.2.1.tar.gz");

    // then it is there with the right checksum
    assertEquals(new JsonArray().add(new JsonObject().put("name", "dropped").put("latest_versions",
      new JsonArray().add(new JsonObject().put("version", "3.2.1").put("file", "dropped-3.2.1.tar.gz")))), listing);
    assertEquals(200, response.statusCode());
    String sha256 = TestBytes.sha256Hex(bytes);
    assertEquals(sha256, TestBytes.sha256Hex(response.body()));
    assertEquals(sha256, response.headers().firstValue("X-Checksum-Sha256").orElse(null));
    assertEquals("\"" + sha256 + "\"", response.headers().firstValue("ETag").orElse(null));
    assertEquals(sha256, api.head("dropped-3.2.1.tar.gz").headers().firstValue("X-Checksum-Sha256").orElse(null));
  }

  @Test
  void aFileThatAnotherToolRewroteInPlaceIsServedWithItsNewChecksum() throws Exception {
    // given a dropped package whose checksum the server has computed once
    start(true);
    Path file = storage.root().resolve(APP);
    Files.write(file, TestBytes.random(500_000, 1));
    assertEquals(200, api.get(APP).statusCode());

    // when another tool rewrites the same file (same inode, another size)
    byte[] rewritten = TestBytes.random(400_001, 2);
    Files.write(file, rewritten);

    // then the new content is served under its own checksum, never the remembered one
    HttpResponse<byte[]> response = api.get(APP);
    String sha256 = TestBytes.sha256Hex(rewritten);
    assertEquals(sha256, TestBytes.sha256Hex(response.body()));
    assertEquals(sha256, response.headers().firstValue("X-Checksum-Sha256").orElse(null));
  }

  @Test
  void withOverwritingDisabledASecondUploadIs409AndTheFirstBytesStay() throws Exception {
    start(false);
    byte[] first = TestBytes.random(1_000_003, 1);
    api.upload(APP, first);

    HttpResponse<String> second = api.put(APP, TestBytes.random(100, 2));

    assertEquals(409, second.statusCode(), second.body());
    assertTrue(new JsonObject(second.body()).containsKey("error"));
    assertArrayEquals(first, Files.readAllBytes(storage.root().resolve(APP)));
    assertEquals(TestBytes.sha256Hex(first), TestBytes.sha256Hex(api.get(APP).body()));
    storage.assertNothingLeftBehind();
  }

  @Test
  void withOverwritingDisabledARefusalComesInsteadOf100Continue() throws Exception {
    start(false);
    byte[] first = TestBytes.random(1_000, 1);
    api.upload(APP, first);

    RawHttp.Response response = RawHttp.putWithContinue(server.port(), "/packages/" + APP, TestBytes.random(1_000_003, 2));

    assertEquals(409, response.status(), response.bodyText());
    assertArrayEquals(first, Files.readAllBytes(storage.root().resolve(APP)));
  }

  @Test
  void withOverwritingDisabledOfRacingUploadsExactlyOneSucceeds() throws Exception {
    start(false);

    List<RawHttp.Response> responses = Race.run(8, i -> RawHttp.putWithContinue(server.port(), "/packages/" + APP,
      TestBytes.random(1_000_003 + i, i)));

    List<RawHttp.Response> winners = responses.stream().filter(r -> r.status() == 200).toList();
    assertEquals(1, winners.size(), () -> Race.statusLines(responses).toString());
    assertTrue(responses.stream().allMatch(r -> r.status() == 200 || r.status() == 409),
      () -> Race.statusLines(responses).toString());
    assertEquals(new JsonObject(winners.get(0).bodyText()).getString("sha256"),
      TestBytes.sha256Hex(Files.readAllBytes(storage.root().resolve(APP))));
    storage.assertNothingLeftBehind();
  }

  @Test
  void withOverwritingDisabledCreateOnlyIsStill412() throws Exception {
    start(false);
    api.upload(APP, TestBytes.random(1_000, 1));

    RawHttp.Response response = RawHttp.putWithContinue(server.port(), "/packages/" + APP, TestBytes.random(10, 2),
      "If-None-Match: *");

    assertEquals(412, response.status(), response.bodyText());
  }

  @Test
  void withOverwritingDisabledADeletedPackageCanBeUploadedAgain() throws Exception {
    start(false);
    api.upload(APP, TestBytes.random(1_000, 1));
    assertEquals(200, api.delete(APP).statusCode());
    byte[] again = TestBytes.random(2_000, 2);

    api.upload(APP, again);

    assertArrayEquals(again, api.get(APP).body());
  }

  @Test
  void aStalePartialUploadIsRemovedAtStartUp() throws Exception {
    // given the leftovers of a server killed during an upload
    storage = new FsTestStorage(sandbox);
    Files.createDirectories(storage.incoming());
    Path stale = storage.incoming().resolve("0b5e4d4e-7a3c-4c1e-9d3f-2f6a1c9b8e77.part");
    Files.write(stale, TestBytes.random(123_457, 1));

    // when the server starts
    server = TestServer.start(storage.section(true));
    api = server.client();

    // then they are gone and never listed
    assertFalse(Files.exists(stale));
    assertEquals(new JsonArray(), api.listing());
    storage.assertNothingLeftBehind();
  }

  @Test
  void theDirectoryIsCreatedWhenItDoesNotExist() throws Exception {
    start(true);

    assertTrue(Files.isDirectory(storage.root()));
    api.upload(APP, TestBytes.random(10, 1));
    assertTrue(Files.isRegularFile(storage.root().resolve(APP)));
  }

  @Test
  void anUploadIsAPlainFileInTheDirectoryAndNothingElse() throws Exception {
    start(true);
    byte[] bytes = TestBytes.random(1_000_003, 1);

    api.upload(APP, bytes);

    assertArrayEquals(bytes, Files.readAllBytes(storage.root().resolve(APP)));
    try (var entries = Files.list(storage.root())) {
      assertEquals(List.of(APP, FsStorageVerticle.INCOMING),
        entries.map(p -> p.getFileName().toString()).sorted((a, b) -> b.compareTo(a)).toList());
    }
    storage.assertNothingLeftBehind();
  }

  @Test
  void hiddenFilesAndTheIncomingDirectoryAreNotListed() throws Exception {
    start(true);
    Files.write(storage.root().resolve(".hidden-1.0.0.tar.gz"), new byte[10]);
    Files.write(storage.root().resolve(".DS_Store"), new byte[10]);
    Files.createDirectories(storage.root().resolve("subdir-1.0.0.tar.gz"));

    assertEquals(new JsonArray(), api.listing());
    assertEquals(404, api.get(".hidden-1.0.0.tar.gz").statusCode());
    assertEquals(404, api.get("subdir-1.0.0.tar.gz").statusCode());
  }

  @Test
  void aTraversalNeverReachesAFileOutsideTheDirectory() throws Exception {
    // given a file where "../../etc/passwd-1.0.0.tar.gz" would lead from the package directory
    start(true);
    Path outside = storage.root().getParent().getParent().resolve("etc").resolve("passwd-1.0.0.tar.gz");
    Files.createDirectories(outside.getParent());
    byte[] secret = TestBytes.random(100, 1);
    Files.write(outside, secret);

    // when it is asked for, encoded and not, and overwritten
    for (String target : List.of("/packages/..%2F..%2Fetc%2Fpasswd-1.0.0.tar.gz", "/packages/../../etc/passwd-1.0.0.tar.gz",
      "/packages/%2e%2e%2f%2e%2e%2fetc%2fpasswd-1.0.0.tar.gz", "/packages/%2e%2e/%2e%2e/etc/passwd-1.0.0.tar.gz")) {
      RawHttp.Response get = RawHttp.exchange(server.port(), "GET", target, null);
      RawHttp.Response put = RawHttp.exchange(server.port(), "PUT", target, new byte[] {1, 2, 3});
      RawHttp.Response delete = RawHttp.exchange(server.port(), "DELETE", target, null);

      // then it is neither read, nor written, nor deleted
      assertEquals(404, get.status(), target);
      assertEquals(400, put.status(), target);
      assertEquals(404, delete.status(), target);
    }
    assertArrayEquals(secret, Files.readAllBytes(outside));
  }
}
