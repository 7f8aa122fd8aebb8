package org.packagerepository.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.packagerepository.config.ConfigException;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuthSettingsTest {

  private static AuthSettings of(Object users) {
    return AuthSettings.fromJson(new JsonObject().put("auth", new JsonObject().put("users", users)));
  }

  private static void assertRefused(Object users, String expected) {
    ConfigException e = assertThrows(ConfigException.class, () -> of(users));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void offWithoutAnAuthGroup() {
    assertNull(AuthSettings.fromJson(new JsonObject()));
    assertNull(AuthSettings.fromJson(new JsonObject().put("port", 8888)));
  }

  @Test
  void usersCarryTheHashOfTheirTokenAndTheirPermissions() {
    String token = TokenHash.newToken();
    assertEquals(43, token.length());
    AuthSettings settings = of(new JsonObject().put("ci", new JsonObject().put("token", TokenHash.format(token))
      .put("permissions", new JsonArray(List.of("read", "write")))));
    assertFalse(settings.anonymousRead());
    AuthSettings.User user = settings.users().get(0);
    assertEquals("ci", user.name());
    assertArrayEquals(TokenHash.of(token), user.tokenHash());
    assertEquals(Set.of(Permission.READ, Permission.WRITE), user.permissions());
  }

  @Test
  void aTokenInClearOrAWrongPermissionIsRefusedWithWhatToDo() {
    JsonArray read = new JsonArray(List.of("read"));
    assertRefused(new JsonObject().put("ci", new JsonObject().put("token", "my-secret-token").put("permissions", read)),
      "config.auth.users.ci.token must be the token's hash");
    assertRefused(new JsonObject().put("ci", new JsonObject().put("token", "sha256:abc").put("permissions", read)),
      "--new-token");
    String hash = TokenHash.format("t");
    assertRefused(new JsonObject().put("ci", new JsonObject().put("token", hash)
      .put("permissions", new JsonArray(List.of("read", "admin")))), "\"admin\"");
    assertRefused(new JsonObject().put("ci", new JsonObject().put("token", hash)), "permissions must list");
    assertRefused(new JsonObject().put("c:i", new JsonObject().put("token", hash).put("permissions", read)),
      "without spaces or ':'");
    assertRefused(new JsonObject(), "at least one user");
    assertRefused("everyone", "at least one user");
  }
}
