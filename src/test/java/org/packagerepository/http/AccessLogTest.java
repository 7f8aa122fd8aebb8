package org.packagerepository.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.packagerepository.auth.TokenHash;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One access-log line per request, with the user and no secret; off when the log level is above INFO. */
class AccessLogTest {

  private static final String TOKEN = "deployer-token-0123456789";

  @TempDir
  Path packages;
  private AccessLines access;
  private List<String> lines;
  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    access = AccessLines.capture();
    lines = access.lines;
    server = TestServer.onFileSystem(packages, new JsonObject().put("auth", new JsonObject().put("anonymous_read", true)
      .put("users", new JsonObject().put("deployer", new JsonObject().put("token", TokenHash.format(TOKEN))
        .put("permissions", new JsonArray(List.of("read", "write")))))));
  }

  @AfterEach
  void stop() throws Exception {
    access.close();
    server.close();
  }

  @Test
  void eachRequestGetsOneLineWithItsUserStatusBytesAndTime() throws Throwable {
    ApiClient api = server.client();
    byte[] bytes = TestBytes.random(123_456, 1);
    assertEquals(200, api.put("app-1.0.0.tar.gz", bytes, "Authorization", "Bearer " + TOKEN).statusCode());
    assertEquals(206, api.get("app-1.0.0.tar.gz", "Range", "bytes=0-99").statusCode());
    assertEquals(200, api.get("app-1.0.0.tar.gz").statusCode());
    assertEquals(401, api.put("app-1.0.1.tar.gz", new byte[3], "Authorization", "Bearer wrong-secret").statusCode());
    assertEquals(404, api.get("gone-1.0.0.tar.gz").statusCode());

    Eventually.within(Duration.ofSeconds(10), () -> assertEquals(5, lines.size(), lines::toString));
    assertTrue(lines.get(0).matches("127\\.0\\.0\\.1 deployer \"PUT /packages/app-1\\.0\\.0\\.tar\\.gz\" 200 \\d+ 123456 \\d+ms"),
      lines.get(0));
    assertTrue(lines.get(1).matches("127\\.0\\.0\\.1 - \"GET /packages/app-1\\.0\\.0\\.tar\\.gz\" 206 100 0 \\d+ms"),
      lines.get(1));
    assertTrue(lines.get(2).matches("127\\.0\\.0\\.1 - \"GET /packages/app-1\\.0\\.0\\.tar\\.gz\" 200 123456 0 \\d+ms"),
      lines.get(2));
    assertTrue(lines.get(3).matches("127\\.0\\.0\\.1 - \"PUT /packages/app-1\\.0\\.1\\.tar\\.gz\" 401 \\d+ \\d+ \\d+ms"),
      lines.get(3));
    assertTrue(lines.get(4).contains("\"GET /packages/gone-1.0.0.tar.gz\" 404 "), lines.get(4));
    for (String line : lines) {
      assertFalse(line.contains(TOKEN) || line.contains("wrong-secret") || line.contains("Bearer"), line);
    }
  }

  @Test
  void aLogLevelAboveInfoTurnsItOff() throws Throwable {
    access.logger.setLevel(Level.WARNING);
    server.client().get("app-1.0.0.tar.gz");
    access.logger.setLevel(null);
    server.client().get("app-2.0.0.tar.gz");
    Eventually.within(Duration.ofSeconds(10), () -> assertEquals(1, lines.size(), lines::toString));
    assertTrue(lines.get(0).contains("app-2.0.0.tar.gz"), lines.get(0));
  }
}
