package org.packagerepository.config;

import io.vertx.core.json.JsonObject;

/**
 * Reads typed values from a configuration section. Values may arrive as strings (environment variables, or a
 * hand-written file), so numbers and booleans are accepted in both forms; anything else is a {@link ConfigException}
 * that names the setting.
 */
public final class Settings {

  private Settings() {
  }

  public static String string(JsonObject section, String key, String defaultValue) {
    Object value = section == null ? null : section.getValue(key);
    if (value == null || value instanceof String && ((String) value).isBlank()) {
      return defaultValue;
    }
    return value.toString().trim();
  }

  public static long integer(JsonObject section, String key, long defaultValue, String name) {
    Object value = section == null ? null : section.getValue(key);
    if (value == null || value instanceof String && ((String) value).isBlank()) {
      return defaultValue;
    }
    if (value instanceof Number) {
      return ((Number) value).longValue();
    }
    try {
      return Long.parseLong(value.toString().trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(name + " is \"" + value + "\"; it must be a whole number");
    }
  }

  public static boolean bool(JsonObject section, String key, boolean defaultValue, String name) {
    Object value = section == null ? null : section.getValue(key);
    if (value == null || value instanceof String && ((String) value).isBlank()) {
      return defaultValue;
    }
    if (value instanceof Boolean) {
      return (Boolean) value;
    }
    switch (value.toString().trim().toLowerCase()) {
      case "true": case "yes": case "1": return true;
      case "false": case "no": case "0": return false;
      default: throw new ConfigException(name + " is \"" + value + "\"; it must be true or false");
    }
  }

  /** A key prefix as configured ({@code container.path}), without leading or trailing slashes. */
  public static String pathPrefix(String path) {
    String p = path.trim();
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  /** Whether any value of {@code section}'s group {@code group} is a string that is not blank. */
  public static boolean anyValueIn(JsonObject section, String group) {
    return section != null && section.getValue(group) instanceof JsonObject values
      && values.stream().anyMatch(entry -> entry.getValue() instanceof String text && !text.isBlank());
  }
}
