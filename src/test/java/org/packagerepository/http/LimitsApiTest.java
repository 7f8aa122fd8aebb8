package org.packagerepository.http;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** config.max_package_size and the timeouts against slow clients, on the file-system backend. */
class LimitsApiTest {

  private static final int LIMIT = 1_000_000;

  @TempDir
  Path packages;
  private TestServer server;
  private ApiClient api;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private void start(JsonObject settings) throws Exception {
    server = TestServer.onFileSystem(packages, settings);
    api = server.client();
  }

  private void assertNothingStored() throws IOException {
    try (Stream<Path> files = Files.walk(packages)) {
      assertEquals(0, files.filter(Files::isRegularFile).count(), "nothing stored, no temporary file left");
    }
  }

  @Test
  void aPackageOverTheLimitIs413UpFrontFromItsLength() throws Exception {
    start(new JsonObject().put("max_package_size", LIMIT));
    HttpResponse<String> over = api.put("big-1.0.0.tar.gz", TestBytes.random(LIMIT + 1, 1));
    assertEquals(413, over.statusCode(), over.body());
    assertTrue(new JsonObject(over.body()).getString("error").contains("config.max_package_size"), over.body());

    // curl's way: the refusal comes instead of 100 Continue, and no body is sent.
    RawHttp.Response refused = RawHttp.putWithContinue(server.port(), "/packages/big-1.0.0.tar.gz",
      TestBytes.random(LIMIT + 1, 2));
    assertEquals(413, refused.status(), refused.statusLine());
    assertNothingStored();

    byte[] fits = TestBytes.random(LIMIT, 3);
    assertEquals(200, api.put("big-1.0.0.tar.gz", fits).statusCode());
    assertArrayEquals(fits, api.get("big-1.0.0.tar.gz").body());
  }

  @Test
  void aChunkedBodyIsCutOffWith413AsSoonAsItGoesPastTheLimit() throws Throwable {
    start(new JsonObject().put("max_package_size", LIMIT));
    HttpResponse<String> over = api.putChunked("big-1.0.0.tar.gz", TestBytes.random(3 * LIMIT, 4));
    assertEquals(413, over.statusCode(), over.body());
    assertEquals(404, api.get("big-1.0.0.tar.gz").statusCode());
    Eventually.within(java.time.Duration.ofSeconds(10), this::assertNothingStored);

    byte[] fits = TestBytes.random(LIMIT, 5);
    assertEquals(200, api.putChunked("big-1.0.0.tar.gz", fits).statusCode());
    assertArrayEquals(fits, api.get("big-1.0.0.tar.gz").body());
  }

  @Test
  void aClientThatSendsNoWholeHeadIsCutOff() throws Exception {
    start(new JsonObject().put("header_timeout", 1));
    try (RawHttp slow = RawHttp.connect(server.port())) {
      slow.send("GET /packages HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
      assertClosed(slow);
    }
    assertEquals(200, api.call("GET", "/packages").statusCode(), "others are served");
  }

  @Test
  void anUploadWhoseClientStopsSendingIsCutOffAndLeavesNothing() throws Throwable {
    start(new JsonObject().put("idle_timeout", 1));
    try (RawHttp stalled = RawHttp.connect(server.port())) {
      stalled.sendHead("PUT", "/packages/slow-1.0.0.tar.gz", "Content-Length: 100000");
      stalled.send(TestBytes.random(1000, 6));
      assertClosed(stalled);
    }
    Eventually.within(java.time.Duration.ofSeconds(10), this::assertNothingStored);
    assertEquals(404, api.get("slow-1.0.0.tar.gz").statusCode());
  }

  @Test
  void anUploadTooSlowToFinishWithinTheBodyTimeoutGets408AndLeavesNothing() throws Throwable {
    start(new JsonObject().put("body_timeout", 1));
    try (RawHttp slow = RawHttp.connect(server.port())) {
      slow.sendHead("PUT", "/packages/slow-1.0.0.tar.gz", "Content-Length: 100000");
      slow.send(TestBytes.random(1000, 7));   // then nothing more: well under the idle timeout, over the body's
      RawHttp.Response answer = slow.readResponse(false);
      assertEquals(408, answer.status(), answer.statusLine());
      assertTrue(new JsonObject(answer.bodyText()).getString("error").contains("config.body_timeout"));
    }
    Eventually.within(java.time.Duration.ofSeconds(10), this::assertNothingStored);
    byte[] quick = TestBytes.random(100_000, 8);
    assertEquals(200, api.put("quick-1.0.0.tar.gz", quick).statusCode(), "a body in time is taken");
    assertArrayEquals(quick, api.get("quick-1.0.0.tar.gz").body());
  }

  /** The server closes the connection (a reset counts), without an answer to the unfinished request. */
  private static void assertClosed(RawHttp http) throws IOException {
    try {
      assertTrue(http.closedByServer(), "closed");
    } catch (SocketException reset) {
      assertFalse(reset.getMessage().isEmpty());
    }
  }
}
