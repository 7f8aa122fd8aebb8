package org.packagerepository.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads typed values from a configuration section. Values may arrive as strings (environment variables, or a
 * hand-written file), so numbers and booleans are accepted in both forms; anything else is a {@link ConfigException}
 * that names the setting.
 */
public final class Settings {

  private Settings() {
  }

  /** The value of {@code key}, or null when it is missing or a blank string. */
  private static Object value(JsonObject section, String key) {
    Object value = section == null ? null : section.getValue(key);
    return value instanceof String text && text.isBlank() ? null : value;
  }

  public static String string(JsonObject section, String key, String defaultValue) {
    Object value = value(section, key);
    return value == null ? defaultValue : value.toString().trim();
  }

  public static long integer(JsonObject section, String key, long defaultValue, String name) {
    Object value = value(section, key);
    if (value == null) {
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

  /**
   * An integer from {@code min} to {@code max}; another is a {@link ConfigException}: "{@code <name>} is
   * {@code <value>}; use {@code <use>}".
   */
  public static long integer(JsonObject section, String key, long defaultValue, String name, long min, long max,
                             String use) {
    long value = integer(section, key, defaultValue, name);
    if (value < min || value > max) {
      throw new ConfigException(name + " is " + value + "; use " + use);
    }
    return value;
  }

  public static boolean bool(JsonObject section, String key, boolean defaultValue, String name) {
    Object value = value(section, key);
    if (value == null) {
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

  /** {@code text} as an absolute http or https URL with a host, or null when it is not one. */
  public static URI httpUrl(String text) {
    try {
      URI uri = new URI(text);
      return uri.getHost() != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) ? uri : null;
    } catch (URISyntaxException e) {
      return null;
    }
  }

  /**
   * A list of strings, given as a JSON array or (from an environment variable) as one comma-separated string: its
   * entries trimmed, the empty ones left out; none when {@code value} is null.
   *
   * @param wrongType the message of the {@link ConfigException} when it is neither
   */
  public static List<String> list(Object value, String wrongType) {
    if (value == null) {
      return List.of();
    }
    List<?> items = value instanceof JsonArray array ? array.getList()
      : value instanceof String text ? List.of(text.split(",")) : null;
    if (items == null) {
      throw new ConfigException(wrongType);
    }
    List<String> entries = new ArrayList<>();
    for (Object item : items) {
      String entry = String.valueOf(item).trim();
      if (!entry.isEmpty()) {
        entries.add(entry);
      }
    }
    return List.copyOf(entries);
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
