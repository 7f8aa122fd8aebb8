package org.packagerepository.storage.fs;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.packagerepository.storage.StorageBackend;

/** The file-system backend: packages are the files of one directory. */
public final class FsBackend implements StorageBackend {

  @Override
  public String name() {
    return "fs";
  }

  @Override
  public Future<String> deploy(Vertx vertx, JsonObject section) {
    FsSettings settings;
    try {
      settings = FsSettings.fromJson(section);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    // One instance: the namespace state (checksums, per-package publish order) stays confined to one event loop.
    return vertx.deployVerticle(new FsStorageVerticle(settings));
  }

  /** Two batches (one filling, one being written), plus the HTTP side's queue and the credit window. */
  @Override
  public long bytesPerUpload(JsonObject section) {
    return 2L * FsStorageVerticle.UPLOAD_BATCH_BYTES + 2L * 1024 * 1024;
  }
}
