package org.packagerepository;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.packagerepository.http.Eventually;
import org.packagerepository.http.RawHttp;
import org.packagerepository.http.TestBytes;
import org.packagerepository.http.TestServer;

import java.io.IOException;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SIGTERM to a running server: uploads in flight may finish within the deadline, the rest leave nothing behind. */
class GracefulShutdownTest {

  private static final int SIZE = 2_000_000;

  @TempDir
  Path dir;
  private ServerProcess server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private List<String> files(Path directory) throws IOException {
    try (Stream<Path> all = Files.walk(directory)) {
      return all.filter(Files::isRegularFile).map(p -> directory.relativize(p).toString()).sorted().toList();
    }
  }

  @Test
  void uploadsInFlightFinishWithinTheDeadlineAndTheRestLeaveNothingPartial() throws Throwable {
    Path packages = dir.resolve("packages");
    Path config = dir.resolve("pr-config.json");
    Files.writeString(config, TestServer.fileSystemConfig(packages,
      new JsonObject().put("port", 0).put("host", "127.0.0.1").put("shutdown_timeout", 3)).encode());
    server = ServerProcess.start(config);
    byte[] finishing = TestBytes.random(SIZE, 1);
    byte[] cut = TestBytes.random(SIZE, 2);

    try (RawHttp first = RawHttp.connect(server.port()); RawHttp second = RawHttp.connect(server.port())) {
      first.sendHead("PUT", "/packages/done-1.0.0.tar.gz", "Content-Length: " + SIZE);
      first.send(finishing, 0, SIZE / 2);
      second.sendHead("PUT", "/packages/cut-1.0.0.tar.gz", "Content-Length: " + SIZE);
      second.send(cut, 0, SIZE / 2);
      Eventually.within(Duration.ofSeconds(10), () -> assertEquals(2, files(packages.resolve(".incoming")).size(),
        "both uploads are streaming"));

      server.terminate();
      Eventually.within(Duration.ofSeconds(10), () -> assertTrue(server.printed("Stopping"), server.output()::toString));
      // The listening socket closes on the event loops a moment after the log line: soon, no connection is taken.
      Eventually.within(Duration.ofSeconds(5), () -> assertThrows(IOException.class,
        () -> RawHttp.exchange(server.port(), "GET", "/packages", null), "no new connection is taken"));

      first.send(finishing, SIZE / 2, SIZE - SIZE / 2);
      RawHttp.Response done = first.readResponse(false);
      assertEquals(200, done.status(), done.statusLine() + " " + done.bodyText());
      assertEquals(TestBytes.sha256Hex(finishing), new JsonObject(done.bodyText()).getString("sha256"));

      // The other one never finishes: cut at the deadline.
      try {
        assertTrue(second.closedByServer(), "cut");
      } catch (SocketException reset) {
        assertTrue(reset.getMessage() != null);
      }
    }
    assertNotEquals(-1, server.waitFor(30), "the server exited");
    assertEquals(List.of("done-1.0.0.tar.gz"), files(packages),
      "the finished package and nothing else: no partial package, no temporary file");
    assertArrayEquals(finishing, Files.readAllBytes(packages.resolve("done-1.0.0.tar.gz")));
    assertTrue(server.printed("Stopped"), server.output()::toString);
    assertTrue(Arrays.asList(0, 143).contains(server.waitFor(1)), "exit code");
  }
}
