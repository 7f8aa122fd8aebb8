package org.packagerepository.storage.cache;

import io.vertx.core.json.JsonObject;
import org.packagerepository.config.ConfigException;
import org.packagerepository.config.Settings;

import java.nio.file.Path;

/**
 * The {@code cache} group of a remote backend's section ({@code S3Repository.cache}, {@code SwiftRepository.cache}).
 *
 * @param enabled  {@code cache.enabled}, default true
 * @param path     {@code cache.path}, default {@code data/cache/<backend>}
 * @param maxBytes {@code cache.max_size} in bytes, default 10 GiB
 */
public record CacheSettings(boolean enabled, Path path, long maxBytes) {

  public static final long DEFAULT_MAX_BYTES = 10L * 1024 * 1024 * 1024;

  public static CacheSettings fromJson(JsonObject section, String sectionName, String backend) {
    JsonObject cache = section.getJsonObject("cache", new JsonObject());
    boolean enabled = Settings.bool(cache, "enabled", true, sectionName + ".cache.enabled");
    String path = Settings.string(cache, "path", "data/cache/" + backend);
    long maxBytes = Settings.integer(cache, "max_size", DEFAULT_MAX_BYTES, sectionName + ".cache.max_size");
    if (maxBytes < 1024 * 1024) {
      throw new ConfigException(sectionName + ".cache.max_size is " + maxBytes + "; use at least 1 MiB (1048576)");
    }
    return new CacheSettings(enabled, Path.of(path), maxBytes);
  }
}
