package org.packagerepository.storage.swift;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.packagerepository.storage.StorageBackend;
import org.packagerepository.storage.cache.CacheSettings;

/** The Swift backend: packages are the objects under a path of a container of OpenStack Swift. */
public final class SwiftBackend implements StorageBackend {

  @Override
  public String name() {
    return "swift";
  }

  @Override
  public Future<String> deploy(Vertx vertx, JsonObject section) {
    SwiftSettings settings;
    CacheSettings cache;
    try {
      settings = SwiftSettings.fromJson(section);
      cache = CacheSettings.fromJson(section, "SwiftRepository", name());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return vertx.deployVerticle(new SwiftStorageVerticle(settings, cache));
  }

  /** Bytes waiting to be sent and bytes waiting to be hashed, plus the HTTP side's queue and the credit window. */
  @Override
  public long bytesPerUpload(JsonObject section) {
    return 2 * SwiftStorageVerticle.BUFFER_LIMIT + 2L * 1024 * 1024;
  }
}
