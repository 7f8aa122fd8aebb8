package org.packagerepository.http;

import io.vertx.core.json.JsonObject;
import org.packagerepository.config.ConfigException;
import org.packagerepository.config.Settings;

import java.util.List;

/**
 * {@code config.limits} and {@code config.trusted_proxies}: how many downloads one client, and the whole server, may
 * have in flight, and whose {@code X-Forwarded-For} names the client.
 * <pre>
 * "limits": {"max_downloads_per_client": 4, "max_downloads": 2000},
 * "trusted_proxies": ["10.0.0.5", "10.1.0.0/16"]
 * </pre>
 *
 * @param maxDownloadsPerClient downloads one client may have in flight (an authenticated user's own
 *                              {@code max_downloads} comes first); 0 for no limit
 * @param maxDownloads          downloads the server takes at once; 0 for no limit
 * @param trustedProxies        the addresses (or CIDR blocks) whose {@code X-Forwarded-For} is believed
 */
public record DownloadLimits(int maxDownloadsPerClient, int maxDownloads, TrustedProxies trustedProxies) {

  public static final int DEFAULT_MAX_DOWNLOADS_PER_CLIENT = 0;
  public static final int DEFAULT_MAX_DOWNLOADS = 0;
  /** No limit, and no proxy believed. */
  public static final DownloadLimits NONE = new DownloadLimits(0, 0, TrustedProxies.parse(List.of()));

  public static DownloadLimits fromJson(JsonObject config) {
    Object value = config == null ? null : config.getValue("limits");
    if (value != null && !(value instanceof JsonObject)) {
      throw new ConfigException("config.limits must be a JSON object: {\"max_downloads_per_client\": 4, "
        + "\"max_downloads\": 2000}");
    }
    JsonObject limits = (JsonObject) value;
    return new DownloadLimits(count(limits, "max_downloads_per_client", DEFAULT_MAX_DOWNLOADS_PER_CLIENT),
      count(limits, "max_downloads", DEFAULT_MAX_DOWNLOADS),
      TrustedProxies.parse(Settings.list(config == null ? null : config.getValue("trusted_proxies"),
        "config.trusted_proxies must be a list of addresses or CIDR blocks, e.g. [\"10.0.0.5\", \"10.1.0.0/16\"]")));
  }

  private static int count(JsonObject limits, String key, int defaultValue) {
    return (int) Settings.integer(limits, key, defaultValue, "config.limits." + key, 0, 1_000_000,
      "a count of downloads, or 0 for no limit");
  }
}
