package org.packagerepository.storage.s3;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.packagerepository.config.Settings;
import org.packagerepository.storage.StorageBackend;
import org.packagerepository.storage.cache.CacheSettings;

import java.util.Map;

/** The S3 backend: packages are the objects under a prefix of a bucket, on AWS S3 or an S3-compatible store. */
public final class S3Backend implements StorageBackend<S3Backend.Configured> {

  /** The backend's settings: the store's and its cache's. */
  public record Configured(S3Settings store, CacheSettings cache) {
  }

  @Override
  public String name() {
    return "s3";
  }

  @Override
  public String section() {
    return "S3Repository";
  }

  /** Any of the {@code access} values (the original ships them empty, and the bucket filled in). */
  @Override
  public boolean isChosenBy(JsonObject section) {
    return Settings.anyValueIn(section, "access");
  }

  @Override
  public Map<String, String> environment() {
    return Map.of("PR_S3_REGION", "access.region", "PR_S3_ACCESS_KEY", "access.access_key",
      "PR_S3_SECRET_ACCESS_KEY", "access.secret_access_key", "PR_S3_ENDPOINT", "access.endpoint",
      "PR_S3_BUCKET", "container.bucket", "PR_S3_PATH", "container.path");
  }

  @Override
  public Configured settings(JsonObject section) {
    return new Configured(S3Settings.fromJson(section), CacheSettings.fromJson(section, section(), name()));
  }

  @Override
  public Future<String> deploy(Vertx vertx, Configured settings) {
    return vertx.deployVerticle(new S3StorageVerticle(settings.store(), settings.cache()));
  }

  /** Set in {@code redirect}: {@code enabled} and {@code above_active_downloads}. */
  @Override
  public long redirectAbove(Configured settings) {
    return settings.store().redirect().threshold();
  }

  /** A part being filled and the parts being sent, plus the credit window. */
  @Override
  public long bytesPerUpload(Configured settings, long maxHeapBytes) {
    int partSize = settings.store().partSize();
    return (S3Upload.partsInFlight(maxHeapBytes, partSize) + 1L) * partSize
      + StorageBackend.uploadWindowBytes(maxHeapBytes);
  }
}
