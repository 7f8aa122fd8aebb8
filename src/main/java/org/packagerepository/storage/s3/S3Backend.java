package org.packagerepository.storage.s3;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.packagerepository.storage.StorageBackend;
import org.packagerepository.storage.cache.CacheSettings;

/** The S3 backend: packages are the objects under a prefix of a bucket, on AWS S3 or an S3-compatible store. */
public final class S3Backend implements StorageBackend {

  @Override
  public String name() {
    return "s3";
  }

  @Override
  public Future<String> deploy(Vertx vertx, JsonObject section) {
    S3Settings settings;
    CacheSettings cache;
    try {
      settings = S3Settings.fromJson(section);
      cache = CacheSettings.fromJson(section, "S3Repository", name());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return vertx.deployVerticle(new S3StorageVerticle(settings, cache));
  }

  /** A part being filled and one being sent, plus the HTTP side's queue and the credit window. */
  @Override
  public long bytesPerUpload(JsonObject section) {
    return 2L * S3Settings.fromJson(section).partSize() + 2L * 1024 * 1024;
  }
}
