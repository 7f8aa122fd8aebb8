package org.packagerepository.storage.cache;

import io.vertx.core.json.JsonObject;
import org.packagerepository.config.Settings;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The {@code cache} group of a remote backend's section ({@code S3Repository.cache}, {@code SwiftRepository.cache}).
 *
 * @param enabled          {@code cache.enabled}, default true
 * @param path             {@code cache.path}, default {@code data/cache/<backend>}
 * @param maxBytes         {@code cache.max_size} in bytes, default 10 GiB
 * @param revalidateNanos  {@code cache.revalidate_after} (seconds, default 1) in nanoseconds: how long what the store
 *                         said of a package, and its listing, are used without asking again, so how soon changes
 *                         made by other servers are seen; whether the cache is on or not
 */
public record CacheSettings(boolean enabled, Path path, long maxBytes, long revalidateNanos) {

  public static final long DEFAULT_MAX_BYTES = 10L * 1024 * 1024 * 1024;
  public static final long DEFAULT_REVALIDATE_SECONDS = 1;

  public static CacheSettings fromJson(JsonObject section, String sectionName, String backend) {
    JsonObject cache = section.getJsonObject("cache", new JsonObject());
    boolean enabled = Settings.bool(cache, "enabled", true, sectionName + ".cache.enabled");
    String path = Settings.string(cache, "path", "data/cache/" + backend);
    long maxBytes = Settings.integer(cache, "max_size", DEFAULT_MAX_BYTES, sectionName + ".cache.max_size",
      1024 * 1024, Long.MAX_VALUE, "at least 1 MiB (1048576)");
    long revalidate = Settings.integer(cache, "revalidate_after", DEFAULT_REVALIDATE_SECONDS,
      sectionName + ".cache.revalidate_after", 0, 86_400, "0 to 86400 (seconds; 0 asks the store on every request)");
    return new CacheSettings(enabled, Path.of(path), maxBytes, TimeUnit.SECONDS.toNanos(revalidate));
  }
}
