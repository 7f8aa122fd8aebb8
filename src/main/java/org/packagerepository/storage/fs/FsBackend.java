package org.packagerepository.storage.fs;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.packagerepository.storage.StorageBackend;

import java.util.Map;

/** The file-system backend: packages are the files of one directory. The default when no backend is chosen. */
public final class FsBackend implements StorageBackend<FsSettings> {

  @Override
  public String name() {
    return "fs";
  }

  @Override
  public String section() {
    return "FsRepository";
  }

  /** The directory chooses it; {@code fsync} and {@code zero_copy} alone do not. */
  @Override
  public boolean isChosenBy(JsonObject section) {
    return section != null && section.getValue("location") instanceof JsonObject location
      && location.getValue("path") instanceof String path && !path.isBlank();
  }

  @Override
  public boolean isDefault() {
    return true;
  }

  @Override
  public Map<String, String> environment() {
    return Map.of("PR_FS_PATH", "location.path", "PR_FS_FSYNC", "location.fsync",
      "PR_FS_ZERO_COPY", "location.zero_copy");
  }

  @Override
  public FsSettings settings(JsonObject section) {
    return FsSettings.fromJson(section);
  }

  /** One instance: the namespace state (checksums, per-package publish order) stays confined to one event loop. */
  @Override
  public Future<String> deploy(Vertx vertx, FsSettings settings) {
    return vertx.deployVerticle(new FsStorageVerticle(settings));
  }

  /** Two batches (one filling, one being written), plus the credit window. */
  @Override
  public long bytesPerUpload(FsSettings settings, long maxHeapBytes) {
    return 2L * FsStorageVerticle.uploadBatchBytes(maxHeapBytes) + StorageBackend.uploadWindowBytes(maxHeapBytes);
  }

  /**
   * A sixteenth of the heap: an upload's bytes pass through to the disk within milliseconds, and must die young. When
   * the uploads held half of a 64 MiB heap, G1's young collections found most of their chunks still in flight, promoted
   * them, and filled the old generation with data dead a moment later: 200 concurrent uploads ran it into 20 full
   * collections, and nearly the whole heap was touched. With a sixteenth (four uploads there), none.
   */
  @Override
  public long uploadHeapShare(long maxHeapBytes) {
    return maxHeapBytes / 16;
  }
}
