package org.packagerepository.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AuthenticatorTest {

  private static final String READER_TOKEN = "reader-token-0123456789";
  private static final String WRITER_TOKEN = "writer-token-0123456789";
  private static final String ADMIN_TOKEN = "admin-token-0123456789";

  private static Authenticator authenticator(boolean anonymousRead) {
    JsonObject users = new JsonObject()
      .put("reader", user(READER_TOKEN, "read"))
      .put("deployer", user(WRITER_TOKEN, "read", "write"))
      .put("admin", user(ADMIN_TOKEN, "read", "write", "delete"));
    return new Authenticator(AuthSettings.fromJson(new JsonObject().put("auth",
      new JsonObject().put("anonymous_read", anonymousRead).put("users", users))));
  }

  private static JsonObject user(String token, String... permissions) {
    return new JsonObject().put("token", TokenHash.format(token)).put("permissions", new JsonArray(java.util.List.of(
      (Object[]) permissions)));
  }

  private static String basic(String user, String token) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + token).getBytes(StandardCharsets.UTF_8));
  }

  /** The header a row names: none, bearer:TOKEN, basic:USER:TOKEN, or the header as written. */
  private static String header(String spec) {
    if (spec.equals("none")) {
      return null;
    }
    String[] parts = spec.split(":", 3);
    String token = switch (parts[parts.length - 1]) {
      case "READER" -> READER_TOKEN;
      case "WRITER" -> WRITER_TOKEN;
      case "ADMIN" -> ADMIN_TOKEN;
      default -> parts[parts.length - 1];
    };
    return switch (parts[0]) {
      case "bearer" -> "Bearer " + token;
      case "basic" -> basic(parts[1], token);
      default -> spec;
    };
  }

  @ParameterizedTest(name = "{0} asking to {1}, anonymous read {2}: {3}")
  @CsvSource({
    "none,                      READ,   false, UNAUTHENTICATED",
    "none,                      READ,   true,  ALLOWED",
    "none,                      WRITE,  true,  UNAUTHENTICATED",
    "bearer:READER,             READ,   false, ALLOWED",
    "bearer:READER,             WRITE,  false, FORBIDDEN",
    "bearer:WRITER,             WRITE,  false, ALLOWED",
    "bearer:WRITER,             DELETE, false, FORBIDDEN",
    "bearer:ADMIN,              DELETE, false, ALLOWED",
    "bearer:wrong-token,        READ,   false, UNAUTHENTICATED",
    "bearer:wrong-token,        READ,   true,  UNAUTHENTICATED",
    "basic:deployer:WRITER,     WRITE,  false, ALLOWED",
    "basic:reader:READER,       WRITE,  false, FORBIDDEN",
    "basic:deployer:READER,     READ,   false, UNAUTHENTICATED",
    "basic:nobody:WRITER,       READ,   false, UNAUTHENTICATED",
    "basic:deployer:,           READ,   false, UNAUTHENTICATED",
    "Basic !!!,                 READ,   false, UNAUTHENTICATED",
    "Digest username=deployer,  READ,   false, UNAUTHENTICATED",
    "Bearer,                    READ,   false, UNAUTHENTICATED",
  })
  void decides(String credentials, Permission permission, boolean anonymousRead, Authenticator.Outcome expected) {
    assertEquals(expected, authenticator(anonymousRead).decide(header(credentials), permission).outcome());
  }

  @ParameterizedTest
  @CsvSource({"bearer:WRITER, deployer", "basic:admin:ADMIN, admin"})
  void namesTheUser(String credentials, String user) {
    assertEquals(user, authenticator(false).decide(header(credentials), Permission.READ).user());
  }
}
