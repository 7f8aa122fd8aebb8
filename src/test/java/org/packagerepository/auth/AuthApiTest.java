package org.packagerepository.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.packagerepository.http.ApiClient;
import org.packagerepository.http.RawHttp;
import org.packagerepository.http.TestBytes;
import org.packagerepository.http.TestServer;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Authentication through the API, on the file-system backend: who may read, write and delete, and what others get. */
class AuthApiTest {

  private static final String READER = "reader-token-0123456789";
  private static final String DEPLOYER = "deployer-token-0123456789";
  private static final String ADMIN = "admin-token-0123456789";
  private static final String APP = "app-1.0.0.tar.gz";

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

  private void start(boolean anonymousRead) throws Exception {
    JsonObject users = new JsonObject()
      .put("reader", user(READER, "read"))
      .put("deployer", user(DEPLOYER, "read", "write"))
      .put("admin", user(ADMIN, "read", "write", "delete"));
    server = TestServer.onFileSystem(packages, new JsonObject().put("auth", new JsonObject()
      .put("anonymous_read", anonymousRead).put("users", users)));
    api = server.client();
  }

  private static JsonObject user(String token, String... permissions) {
    return new JsonObject().put("token", TokenHash.format(token))
      .put("permissions", new JsonArray(List.of((Object[]) permissions)));
  }

  private static String[] bearer(String token) {
    return new String[] {"Authorization", "Bearer " + token};
  }

  private static String[] basic(String user, String token) {
    return new String[] {"Authorization", "Basic "
      + Base64.getEncoder().encodeToString((user + ":" + token).getBytes(StandardCharsets.UTF_8))};
  }

  private static void assertRefused(int status, HttpResponse<?> response) {
    assertEquals(status, response.statusCode());
    if (status == 401) {
      String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
      assertTrue(challenge.contains("Basic realm=") && challenge.contains("Bearer realm="), challenge);
    } else {
      assertFalse(response.headers().firstValue("WWW-Authenticate").isPresent());
    }
    Object body = response.body();
    String text = body instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(body);
    assertTrue(new JsonObject(text).getString("error").length() > 10, text);
  }

  @Test
  void eachUserDoesWhatItsPermissionsAllowAndNothingElse() throws Exception {
    start(false);
    byte[] bytes = TestBytes.random(100_000, 1);

    assertRefused(401, api.put(APP, bytes));
    assertRefused(401, api.put(APP, bytes, bearer("not-a-token")));
    assertRefused(403, api.put(APP, bytes, bearer(READER)));
    assertRefused(403, api.put(APP, bytes, basic("reader", READER)));
    assertFalse(Files.exists(packages.resolve(APP)), "nothing stored by refused uploads");

    assertEquals(200, api.put(APP, bytes, basic("deployer", DEPLOYER)).statusCode());
    assertArrayEquals(bytes, api.get(APP, bearer(READER)).body());
    assertArrayEquals(bytes, api.get(APP, basic("admin", ADMIN)).body());
    assertEquals(200, api.head(APP, bearer(DEPLOYER)).statusCode());
    assertEquals(200, api.send(api.request("/packages", bearer(READER)).GET().build(),
      HttpResponse.BodyHandlers.ofString()).statusCode());

    assertRefused(401, api.get(APP));
    assertRefused(401, api.get(APP, basic("deployer", READER)));
    assertRefused(401, api.get(APP, basic("nobody", READER)));
    assertRefused(401, api.call("GET", "/packages"));
    assertRefused(401, api.call("GET", "/stats"));

    assertRefused(403, api.send(api.request("/packages/" + APP, bearer(DEPLOYER)).DELETE().build(),
      HttpResponse.BodyHandlers.ofString()));
    assertTrue(Files.exists(packages.resolve(APP)));
    assertEquals(200, api.send(api.request("/packages/" + APP, bearer(ADMIN)).DELETE().build(),
      HttpResponse.BodyHandlers.ofString()).statusCode());
    assertFalse(Files.exists(packages.resolve(APP)));

    // Probes need no credentials.
    assertEquals(200, api.call("GET", "/health/live").statusCode());
    assertEquals(200, api.call("GET", "/health/ready").statusCode());
  }

  @Test
  void withAnonymousReadAnyoneReadsButWritingStillNeedsAUser() throws Exception {
    start(true);
    byte[] bytes = TestBytes.random(1000, 2);
    assertRefused(401, api.put(APP, bytes));
    assertEquals(200, api.put(APP, bytes, bearer(DEPLOYER)).statusCode());
    assertArrayEquals(bytes, api.get(APP).body());
    assertEquals(1, api.listing().size());
    assertRefused(401, api.get(APP, bearer("wrong")));
  }

  @Test
  void aRefusedUploadGetsItsAnswerInsteadOf100ContinueAndSendsNoBody() throws Exception {
    start(false);
    byte[] bytes = TestBytes.random(2_000_000, 3);
    RawHttp.Response anonymous = RawHttp.putWithContinue(server.port(), "/packages/" + APP, bytes);
    assertEquals(401, anonymous.status(), anonymous.statusLine());
    assertTrue(anonymous.header("WWW-Authenticate").contains("Bearer"));
    RawHttp.Response reader = RawHttp.putWithContinue(server.port(), "/packages/" + APP, bytes,
      "Authorization: Bearer " + READER);
    assertEquals(403, reader.status(), reader.statusLine());
    assertFalse(Files.exists(packages.resolve(APP)));

    RawHttp.Response deployer = RawHttp.putWithContinue(server.port(), "/packages/" + APP, bytes,
      "Authorization: Bearer " + DEPLOYER);
    assertEquals(200, deployer.status(), deployer.statusLine());
    assertArrayEquals(bytes, Files.readAllBytes(packages.resolve(APP)));
  }

  @Test
  void refusalsAreLoggedWithTheUserAndReasonButNoSecret() throws Exception {
    start(false);
    java.util.logging.Logger log = java.util.logging.Logger.getLogger("org.packagerepository.http.AccessGuard");
    List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler handler = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord record) {
        lines.add(record.getMessage());
      }

      @Override
      public void flush() {
      }

      @Override
      public void close() {
      }
    };
    log.addHandler(handler);
    try {
      api.put(APP, new byte[10], basic("deployer", "a-wrong-secret-guess"));
      api.put(APP, new byte[10], bearer(READER));
      api.get(APP, bearer("another-wrong-secret"));
    } finally {
      log.removeHandler(handler);
    }
    assertEquals(3, lines.size(), lines::toString);
    assertTrue(lines.get(0).contains("PUT /packages/" + APP) && lines.get(0).contains("as deployer")
      && lines.get(0).contains("wrong user name or token"), lines.get(0));
    assertTrue(lines.get(1).contains("as reader") && lines.get(1).contains("may not write"), lines.get(1));
    for (String line : lines) {
      for (String secret : List.of("a-wrong-secret-guess", READER, "another-wrong-secret", "Basic ", "Bearer ")) {
        assertFalse(line.contains(secret), line);
      }
    }
  }
}
