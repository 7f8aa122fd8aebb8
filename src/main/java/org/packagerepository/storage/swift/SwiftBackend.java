package org.packagerepository.storage.swift;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.packagerepository.config.Settings;
import org.packagerepository.storage.StorageBackend;
import org.packagerepository.storage.cache.CacheSettings;

import java.util.Map;

/** The Swift backend: packages are the objects under a path of a container of OpenStack Swift. */
public final class SwiftBackend implements StorageBackend<SwiftBackend.Configured> {

  /** The backend's settings: the store's and its cache's. */
  public record Configured(SwiftSettings store, CacheSettings cache) {
  }

  @Override
  public String name() {
    return "swift";
  }

  @Override
  public String section() {
    return "SwiftRepository";
  }

  /** Any of the {@code access} values (the original ships them empty, and the container filled in). */
  @Override
  public boolean isChosenBy(JsonObject section) {
    return Settings.anyValueIn(section, "access");
  }

  /** Those of an OpenStack openrc file, so that sourcing one is enough, and the container's. */
  @Override
  public Map<String, String> environment() {
    return Map.ofEntries(
      Map.entry("OS_PROJECT_NAME", "access.account"),
      Map.entry("OS_USERNAME", "access.user"),
      Map.entry("OS_PASSWORD", "access.key"),
      Map.entry("OS_AUTH_URL", "access.auth_url"),
      Map.entry("OS_IDENTITY_API_VERSION", "access.auth_version"),
      Map.entry("OS_USER_DOMAIN_NAME", "access.user_domain_name"),
      Map.entry("OS_PROJECT_DOMAIN_NAME", "access.project_domain_name"),
      Map.entry("OS_REGION_NAME", "access.region_name"),
      Map.entry("OS_INTERFACE", "access.interface"),
      Map.entry("PR_SWIFT_CONTAINER", "container.container"),
      Map.entry("PR_SWIFT_PATH", "container.path"),
      Map.entry("PR_SWIFT_TEMP_URL_KEY", "redirect.temp_url_key"));
  }

  @Override
  public Configured settings(JsonObject section) {
    return new Configured(SwiftSettings.fromJson(section), CacheSettings.fromJson(section, section(), name()));
  }

  @Override
  public Future<String> deploy(Vertx vertx, Configured settings) {
    return vertx.deployVerticle(new SwiftStorageVerticle(settings.store(), settings.cache()));
  }

  /** Set in {@code redirect}: {@code enabled} and {@code above_active_downloads}. */
  @Override
  public long redirectAbove(Configured settings) {
    return settings.store().redirect().threshold();
  }

  /** Bytes waiting to be sent and bytes waiting to be hashed, plus the credit window. */
  @Override
  public long bytesPerUpload(Configured settings, long maxHeapBytes) {
    return 2 * SwiftStorageVerticle.BUFFER_LIMIT + StorageBackend.uploadWindowBytes(maxHeapBytes);
  }
}
