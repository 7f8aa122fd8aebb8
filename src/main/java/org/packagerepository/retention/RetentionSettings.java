package org.packagerepository.retention;

import io.vertx.core.json.JsonObject;
import org.packagerepository.config.ConfigException;
import org.packagerepository.config.Settings;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code config.retention}: which old versions of each package the server deletes. Off (null) unless the group is
 * there.
 * <pre>
 * "retention": {"keep_last": 3, "keep_days": 30, "keep_downloaded_days": 14, "interval": 3600}
 * </pre>
 * Checked strictly, unknown keys included: a misspelt key would otherwise let retention delete versions the operator
 * meant to keep.
 *
 * @param keepLast           versions of each package always kept, the newest; at least 1
 * @param keepDays           versions younger than this many days are kept too; null: no such rule
 * @param keepDownloadedDays versions downloaded within this many days are kept too; null: no such rule
 * @param intervalSeconds    seconds between two runs of the server's own; 0: it runs only when asked
 *                           ({@code POST /retention})
 */
public record RetentionSettings(int keepLast, Double keepDays, Double keepDownloadedDays, long intervalSeconds) {

  /** The longest {@code interval}: 30 days. */
  public static final long MAX_INTERVAL_SECONDS = 30L * 86_400;
  /** The most days {@code keep_days} and {@code keep_downloaded_days} take: a hundred years. */
  public static final double MAX_DAYS = 36_500;

  private static final Set<String> KEYS = Set.of("keep_last", "keep_days", "keep_downloaded_days", "interval");

  /** Environment variables that override {@code config.retention}, with their keys below {@code config}. */
  public static final Map<String, String> ENVIRONMENT = Map.of(
    "PR_RETENTION_KEEP_LAST", "retention.keep_last",
    "PR_RETENTION_KEEP_DAYS", "retention.keep_days",
    "PR_RETENTION_KEEP_DOWNLOADED_DAYS", "retention.keep_downloaded_days",
    "PR_RETENTION_INTERVAL", "retention.interval");

  /** {@code config.retention} of the {@code config} section, checked; null when there is none. */
  public static RetentionSettings fromJson(JsonObject config) {
    Object value = config == null ? null : config.getValue("retention");
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject group)) {
      throw new ConfigException("config.retention must be a JSON object, e.g. {\"keep_last\": 3, \"keep_days\": 30}");
    }
    Set<String> unknown = new TreeSet<>(group.fieldNames());
    unknown.removeAll(KEYS);
    if (!unknown.isEmpty()) {
      throw new ConfigException("config.retention has unknown keys " + unknown + "; it takes keep_last, keep_days, "
        + "keep_downloaded_days and interval");
    }
    if (isMissing(group, "keep_last")) {
      throw new ConfigException("config.retention.keep_last is missing: say how many versions of each package to keep "
        + "whatever their age (at least 1)");
    }
    int keepLast = (int) whole(group, "keep_last", 1, 1_000_000, "a whole number of versions, at least 1");
    long interval = isMissing(group, "interval") ? 0 : whole(group, "interval", 1, MAX_INTERVAL_SECONDS,
      "seconds between runs, 1 to " + MAX_INTERVAL_SECONDS + ", or leave it out to run only on POST /retention");
    return new RetentionSettings(keepLast, days(group, "keep_days"), days(group, "keep_downloaded_days"), interval);
  }

  /** Left out, null, or a blank string (as an empty environment variable or a template leaves it). */
  private static boolean isMissing(JsonObject group, String key) {
    Object value = group.getValue(key);
    return value == null || value instanceof String text && text.isBlank();
  }

  /** A whole number: {@link Settings#integer} would take {@code 1.5} for 1. */
  private static long whole(JsonObject group, String key, long min, long max, String use) {
    String name = "config.retention." + key;
    Object value = group.getValue(key);
    if (value instanceof Number number && number.doubleValue() != Math.rint(number.doubleValue())) {
      throw new ConfigException(name + " is " + value + "; use " + use);
    }
    return Settings.integer(group, key, min, name, min, max, use);
  }

  /** An optional positive number of days, fractions allowed. */
  private static Double days(JsonObject group, String key) {
    if (isMissing(group, key)) {
      return null;
    }
    Object value = group.getValue(key);
    String name = "config.retention." + key;
    double days;
    if (value instanceof Number number) {
      days = number.doubleValue();
    } else if (value instanceof String text) {
      try {
        days = Double.parseDouble(text.trim());
      } catch (NumberFormatException e) {
        throw new ConfigException(name + " is \"" + value + "\"; it must be a number of days, e.g. 30 or 0.5");
      }
    } else {
      throw new ConfigException(name + " is " + value + "; it must be a number of days, e.g. 30 or 0.5");
    }
    if (!(days > 0) || days > MAX_DAYS) {
      throw new ConfigException(name + " is " + value + "; use a positive number of days, at most " + (int) MAX_DAYS
        + ", or leave it out");
    }
    return days;
  }

  /** {@code keep_days} in milliseconds; -1 when there is no such rule. */
  long keepMillis() {
    return millis(keepDays);
  }

  /** {@code keep_downloaded_days} in milliseconds; -1 when there is no such rule. */
  long keepDownloadedMillis() {
    return millis(keepDownloadedDays);
  }

  private static long millis(Double days) {
    return days == null ? -1 : Math.round(days * 86_400_000d);
  }

  /** A number of days as an operator wrote it: {@code 30}, not {@code 30.0}. */
  static String days(double days) {
    return BigDecimal.valueOf(days).stripTrailingZeros().toPlainString();
  }

  /** As the operator would write it in pr-config.json. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("keep_last", keepLast);
    if (keepDays != null) {
      json.put("keep_days", keepDays);
    }
    if (keepDownloadedDays != null) {
      json.put("keep_downloaded_days", keepDownloadedDays);
    }
    if (intervalSeconds > 0) {
      json.put("interval", intervalSeconds);
    }
    return json;
  }
}
