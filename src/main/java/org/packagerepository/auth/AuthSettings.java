package org.packagerepository.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.packagerepository.config.ConfigException;
import org.packagerepository.config.Settings;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code config.auth}: off when absent (the original was open). When present:
 * <pre>
 * "auth": {
 *   "anonymous_read": false,
 *   "users": {
 *     "deployer": {"token": "sha256:&lt;hex&gt;", "permissions": ["read", "write"], "max_downloads": 50}
 *   }
 * }
 * </pre>
 *
 * @param anonymousRead whether reads need no credentials
 * @param users         the users, each with the hash of its token and its permissions
 */
public record AuthSettings(boolean anonymousRead, List<User> users) {

  /**
   * A user: its name, the SHA-256 of its token, what it may do, and how many downloads it may have in flight (0: as
   * {@code config.limits.max_downloads_per_client} says).
   */
  public record User(String name, byte[] tokenHash, Set<Permission> permissions, int maxDownloads) {
  }

  /** The settings in {@code config}, or null when authentication is off. */
  public static AuthSettings fromJson(JsonObject config) {
    Object value = config == null ? null : config.getValue("auth");
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject auth)) {
      throw new ConfigException("config.auth must be a JSON object (or left out: no authentication)");
    }
    boolean anonymousRead = Settings.bool(auth, "anonymous_read", false, "config.auth.anonymous_read");
    Object usersValue = auth.getValue("users");
    if (!(usersValue instanceof JsonObject usersJson) || usersJson.isEmpty()) {
      throw new ConfigException("config.auth.users must name at least one user, e.g. {\"deployer\": {\"token\": "
        + "\"sha256:...\", \"permissions\": [\"read\", \"write\"]}}");
    }
    List<User> users = new ArrayList<>();
    for (String name : usersJson.fieldNames()) {
      users.add(user(name, usersJson.getValue(name)));
    }
    return new AuthSettings(anonymousRead, List.copyOf(users));
  }

  private static User user(String name, Object value) {
    String where = "config.auth.users." + name;
    if (name.isEmpty() || name.contains(":") || !name.chars().allMatch(c -> c > 32 && c < 127)) {
      throw new ConfigException(where + ": a user name is printable ASCII without spaces or ':'");
    }
    if (!(value instanceof JsonObject user)) {
      throw new ConfigException(where + " must be a JSON object with \"token\" and \"permissions\"");
    }
    Object token = user.getValue("token");
    byte[] hash = token instanceof String formatted ? TokenHash.parse(formatted.trim()) : null;
    if (hash == null) {
      throw new ConfigException(where + ".token must be the token's hash, \"sha256:<64 hex digits>\" (never the "
        + "token itself); java -jar package-repository.jar --new-token prints a token and its hash");
    }
    Object permissionsValue = user.getValue("permissions");
    if (!(permissionsValue instanceof JsonArray list) || list.isEmpty()) {
      throw new ConfigException(where + ".permissions must list some of \"read\", \"write\", \"delete\"");
    }
    Set<Permission> permissions = EnumSet.noneOf(Permission.class);
    for (Object entry : list) {
      Permission permission = entry instanceof String s ? Permission.named(s.trim()) : null;
      if (permission == null) {
        throw new ConfigException(where + ".permissions has \"" + entry + "\"; use \"read\", \"write\", \"delete\"");
      }
      permissions.add(permission);
    }
    long maxDownloads = Settings.integer(user, "max_downloads", 0, where + ".max_downloads", 0, 1_000_000,
      "a count of downloads, or 0 for config.limits.max_downloads_per_client");
    return new User(name, hash, Set.copyOf(permissions), (int) maxDownloads);
  }
}
