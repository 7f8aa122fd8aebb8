package org.packagerepository.storage.swift;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.packagerepository.http.ApiClient;
import org.packagerepository.http.Eventually;
import org.packagerepository.http.RawHttp;
import org.packagerepository.http.TestBytes;
import org.packagerepository.http.TcpForwarder;
import org.packagerepository.http.TestServer;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What only the Swift backend has, against a real one-node Swift (1 MiB segments here): the segments of replaced and
 * killed uploads retired, announced checksums streamed straight to a plain object, tokens that stop working replaced,
 * a Swift that stops taking bytes or goes away during an upload, and Swift's own client. What every backend does
 * (packages of many parts, uploads that do not finish, listings of several pages, a store that goes away) is
 * {@link SwiftBackendContractTest}'s.
 */
class SwiftBackendTest {

  private static final int MIB = 1024 * 1024;
  private static final Duration CLEAN_UP = Duration.ofSeconds(20);

  private static SwiftTestNode node;
  private static SwiftTestAccount account;
  private static int tests;

  private String container;
  private String segments;
  private TestServer server;
  private ApiClient api;

  @BeforeAll
  static void startSwift() throws Exception {
    node = SwiftTestNode.start();
    account = new SwiftTestAccount(node);
  }

  @AfterAll
  static void stopSwift() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  /** A server on a new container with 1 MiB segments. */
  private void startServer(JsonObject section) throws Exception {
    startServer(section, MIB);
  }

  private void startServer(JsonObject section, long segmentSize) throws Exception {
    if (container != null) {
      account.deleteContainer(container);
      account.deleteContainer(segments);
    }
    container = "backend-" + (++tests);
    segments = container + "_segments";
    section.getJsonObject("container").put("container", container).put("segment_size", segmentSize);
    server = TestServer.start(new JsonObject().put("SwiftRepository", section));
    api = server.client();
  }

  private void startServer() throws Exception {
    startServer(account.section("ignored", "releases"));
  }

  @AfterEach
  void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
    if (container != null) {
      account.deleteContainer(container);
      account.deleteContainer(segments);
    }
  }

  @Test
  void replacingALargePackageDeletesTheSegmentsOfTheOldVersion() throws Throwable {
    startServer();
    api.upload("swap-1.0.0.tar.gz", TestBytes.random(5 * MIB, 2));
    byte[] second = TestBytes.random(3 * MIB + 1, 3);
    api.upload("swap-1.0.0.tar.gz", second);
    assertArrayEquals(second, api.get("swap-1.0.0.tar.gz").body());
    Set<String> live = account.segmentsOf(container, "releases/swap-1.0.0.tar.gz");
    assertEquals(4, live.size());
    Eventually.within(CLEAN_UP, () -> assertEquals(live,
      Set.copyOf(account.names(segments).stream().map(n -> segments + "/" + n).toList())));
  }

  @Test
  void aDownloadOfALargePackageBeingReplacedOrDeletedGetsTheWholeOldVersion() throws Throwable {
    startServer();
    byte[] old = TestBytes.random(12 * MIB + 1, 21);
    api.upload("read-1.0.0.tar.gz", old);
    for (boolean delete : new boolean[] {false, true}) {
      HttpResponse<java.io.InputStream> get = api.getStream("read-1.0.0.tar.gz");
      assertEquals(200, get.statusCode());
      try (java.io.InputStream body = get.body()) {
        byte[] head = body.readNBytes(MIB);
        // Swift reads a large object's segments one after the other: those of the old version must outlive the change.
        if (delete) {
          assertEquals(200, api.delete("read-1.0.0.tar.gz").statusCode());
        } else {
          api.upload("read-1.0.0.tar.gz", TestBytes.random(3 * MIB, 22));
        }
        byte[] rest = body.readAllBytes();
        assertEquals(TestBytes.sha256Hex(old), TestBytes.sha256Hex(TestBytes.concat(head, rest)),
          delete ? "read while deleted" : "read while replaced");
      }
      if (!delete) {
        api.upload("read-1.0.0.tar.gz", old);
      }
      // Once the download is over, the old segments go.
      Eventually.within(CLEAN_UP, () -> assertEquals(account.names(container).isEmpty() ? Set.of()
          : account.segmentsOf(container, "releases/read-1.0.0.tar.gz"),
        Set.copyOf(account.names(segments).stream().map(n -> segments + "/" + n).toList())));
    }
  }


  @Test
  void segmentsThatNoPackageUsesAreDeletedWhenTheServerStarts() throws Throwable {
    JsonObject section = account.section("ignored", "releases");
    // Any age: the segments a killed server left are made just now in this test.
    section.getJsonObject("container").put("orphan_segment_age", 0);
    startServer(section);
    byte[] bytes = TestBytes.random(3 * MIB + 5, 23);
    api.upload("kept-1.0.0.tar.gz", bytes);
    server.close();
    server = null;
    Set<String> used = account.segmentsOf(container, "releases/kept-1.0.0.tar.gz");
    assertEquals(4, used.size());
    // What a server killed during uploads leaves: segments of a package that exists and of one that does not.
    account.put(segments, "releases/kept-1.0.0.tar.gz/killed-upload/00000001", new byte[10]);
    account.put(segments, "releases/never-1.0.0.tar.gz/killed-upload/00000001", new byte[10]);
    // Not this server's: outside its path.
    account.put(segments, "other/never-1.0.0.tar.gz/x/00000001", new byte[10]);

    server = TestServer.start(new JsonObject().put("SwiftRepository", section));
    api = server.client();
    Set<String> expected = new java.util.HashSet<>(used);
    expected.add(segments + "/other/never-1.0.0.tar.gz/x/00000001");
    Eventually.within(CLEAN_UP, () -> assertEquals(expected,
      Set.copyOf(account.names(segments).stream().map(n -> segments + "/" + n).toList())));
    assertArrayEquals(bytes, api.get("kept-1.0.0.tar.gz").body());
  }

  @Test
  void aWrongChecksumOnAnUploadStraightToItsObjectIsNeverCompletedAndKeepsTheOldVersion() throws Exception {
    // Size known and within a segment: straight to the package's name, the last chunk held back, never completed.
    // (Uploads in segments with a wrong checksum are the contract's: SwiftBackendContractTest.)
    byte[] old = TestBytes.random(1000, 4);
    byte[] small = TestBytes.random(MIB - 10, 6);
    startServer(account.section("ignored", "releases"), 64 * MIB);
    api.upload("bad-1.0.0.tar.gz", old);
    HttpResponse<String> direct = api.put("bad-1.0.0.tar.gz", TestBytes.random(8 * MIB, 7), "X-Checksum-Sha256",
      TestBytes.sha256Hex(small));
    assertEquals(400, direct.statusCode(), direct.body());
    assertArrayEquals(old, api.get("bad-1.0.0.tar.gz").body(), "the old version stays");
    assertEquals(List.of(), account.names(segments));
  }

  @Test
  void anAnnouncedChecksumAndSizeWithinASegmentStreamStraightToAPlainObject() throws Exception {
    startServer(account.section("ignored", "releases"), 64 * MIB);
    byte[] bytes = TestBytes.random(9 * MIB + 7, 8);
    HttpResponse<String> put = api.put("sum-1.0.0.tar.gz", bytes, "X-Checksum-Sha256", TestBytes.sha256Hex(bytes));
    assertEquals(200, put.statusCode(), put.body());
    HttpResponse<String> head = account.head(container, "releases/sum-1.0.0.tar.gz");
    assertTrue(head.headers().firstValue("X-Static-Large-Object").isEmpty(), "a plain object");
    assertEquals(TestBytes.sha256Hex(bytes), head.headers().firstValue("X-Object-Meta-Sha256").orElse(""));
    assertArrayEquals(bytes, api.get("sum-1.0.0.tar.gz").body());
    assertEquals(List.of(), account.names(segments));
  }

  @Test
  void revokedTokensAreReplacedWithoutTheClientNoticing() throws Exception {
    startServer();
    byte[] small = TestBytes.random(1000, 11);
    byte[] large = TestBytes.random(3 * MIB, 12);
    api.upload("tok-1.0.0.tar.gz", small);

    node.revokeTokens();
    assertArrayEquals(small, api.get("tok-1.0.0.tar.gz").body());
    node.revokeTokens();
    assertEquals(1, api.listing().size());
    node.revokeTokens();
    assertEquals(200, api.putChunked("tok-2.0.0.tar.gz", large).statusCode(), "a streamed upload");
    assertArrayEquals(large, api.get("tok-2.0.0.tar.gz").body());
    node.revokeTokens();
    assertEquals(200, api.put("tok-3.0.0.tar.gz", small).statusCode(), "a small upload");
    node.revokeTokens();
    assertEquals(200, api.head("tok-3.0.0.tar.gz").statusCode());
    node.revokeTokens();
    assertEquals(200, api.delete("tok-2.0.0.tar.gz").statusCode());
    assertEquals(List.of(), account.names(segments));

    // The download itself gets the 401: what the server knew of the package (kept 1 s) spares it the HEAD that
    // would have renewed the token first.
    assertArrayEquals(small, api.get("tok-1.0.0.tar.gz").body());
    node.revokeTokens();
    assertArrayEquals(small, api.get("tok-1.0.0.tar.gz").body());
    // The streamed upload itself gets the 401: the token is revoked after the checks before its body.
    try (RawHttp http = RawHttp.connect(server.port())) {
      http.sendHead("PUT", "/packages/tok-4.0.0.tar.gz", "Content-Length: " + large.length, "Expect: 100-continue");
      assertEquals(100, http.readResponse(false).status());
      node.revokeTokens();
      http.send(large);
      RawHttp.Response put = http.readResponse(false);
      assertEquals(200, put.status(), put.bodyText());
    }
    assertArrayEquals(large, api.get("tok-4.0.0.tar.gz").body());
  }

  @Test
  void aSwiftThatStopsTakingAnUploadsBytesFailsItAfterTheTimeoutAndLeavesNoSegment() throws Throwable {
    try (TcpForwarder forwarder = TcpForwarder.to(node.proxyPort())) {
      JsonObject section = account.section("ignored", "releases");
      section.getJsonObject("access").put("auth_url", "http://127.0.0.1:" + forwarder.port() + "/auth/v1.0")
        .put("timeout", 3);
      startServer(section, 512 * MIB);
      // An upload that takes longer than the timeout, its queue to a slow Swift full again and again, is not a stall.
      forwarder.limitRate(8L * MIB);
      byte[] slow = TestBytes.random(40 * MIB, 18);
      HttpResponse<String> slowPut = api.putChunked("slow-1.0.0.tar.gz", slow);
      assertEquals(200, slowPut.statusCode(), slowPut.body());
      assertArrayEquals(slow, api.get("slow-1.0.0.tar.gz").body());
      forwarder.limitRate(0);

      try (RawHttp http = RawHttp.connect(server.port())) {
        http.sendHead("PUT", "/packages/hang-1.0.0.tar.gz", "Content-Length: " + 64 * MIB, "Expect: 100-continue");
        assertEquals(100, http.readResponse(false).status());
        long before = forwarder.bytesSent();
        http.send(TestBytes.random(6 * MIB, 19));
        Eventually.within(CLEAN_UP, () -> assertTrue(forwarder.bytesSent() - before > MIB,
          "the upload's bytes are on their way to Swift"));
        forwarder.stallOpenConnections();
        java.util.concurrent.CompletableFuture.runAsync(() -> {
          try {
            http.send(TestBytes.random(58 * MIB, 20));
          } catch (java.io.IOException e) {
            // the server gave up on the upload: expected
          }
        });
        RawHttp.Response answer = http.readResponse(false);
        assertEquals(503, answer.status(), answer.bodyText());
        assertTrue(answer.bodyText().contains("took no bytes"), answer.bodyText());
      }
      Eventually.within(CLEAN_UP, () -> assertEquals(List.of(), account.names(segments).stream()
        .filter(n -> n.contains("hang-")).toList()));
      assertEquals(404, api.get("hang-1.0.0.tar.gz").statusCode());
    }
  }

  @Test
  void swiftsOwnClientSeesWhatTheServerStored() throws Exception {
    startServer();
    byte[] bytes = TestBytes.random(2 * MIB + 5, 13);
    api.upload("cli-1.0.0.tar.gz", bytes);
    api.upload("cli-1.0.1.tar.gz", new byte[10]);
    assertEquals(List.of("releases/cli-1.0.0.tar.gz", "releases/cli-1.0.1.tar.gz"),
      SwiftCli.run(node, "list", container));
    List<String> stat = SwiftCli.run(node, "stat", container, "releases/cli-1.0.0.tar.gz");
    assertTrue(stat.contains("Meta Sha256: " + TestBytes.sha256Hex(bytes)), String.join("\n", stat));
    assertTrue(stat.contains("Content Length: " + bytes.length), String.join("\n", stat));
    assertEquals(3, SwiftCli.run(node, "list", segments).size(), "three segments of the 2 MiB package");
  }
}
