package org.packagerepository;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.packagerepository.http.UploadSlots;
import org.packagerepository.storage.StorageBackend;
import org.packagerepository.storage.fs.FsBackend;
import org.packagerepository.storage.s3.S3Backend;
import org.packagerepository.storage.swift.SwiftBackend;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * How many uploads a server streams at once when its configuration does not say: file-system uploads, whose bytes
 * only pass through, hold a sixteenth of the heap between them (four with {@code -Xmx64m}); backends that gather parts
 * hold up to half.
 */
class UploadSlotsForBackendTest {

  /** What {@code Runtime.maxMemory()} reports with {@code -Xmx64m} (G1 keeps a region aside). */
  private static final long XMX64M = 61L << 20;

  @Test
  void aSmallHeapStreamsFourFileSystemUploadsAndALargeOneSixtyFour(@TempDir Path dir) {
    assertEquals(4, slots(fsConfig(dir, new JsonObject()), XMX64M).slots());
    assertEquals(256, slots(fsConfig(dir, new JsonObject()), XMX64M).waitingRoom());
    // A sixteenth of 1 GiB over 3.125 MiB each (1 MiB window, two 1 MiB batches, one socket read).
    assertEquals(20, slots(fsConfig(dir, new JsonObject()), 1L << 30).slots());
    assertEquals(640, slots(fsConfig(dir, new JsonObject()), 1L << 30).waitingRoom());
    assertEquals(64, slots(fsConfig(dir, new JsonObject()), 6L << 30).slots());
  }

  @Test
  void theConfigurationHasTheLastWord(@TempDir Path dir) {
    assertEquals(9, slots(fsConfig(dir, new JsonObject().put("max_streaming_uploads", 9)), XMX64M).slots());
  }

  @Test
  void backendsThatGatherPartsMayHoldHalfTheHeap() {
    assertEquals(512L << 20, new S3Backend().uploadHeapShare(1L << 30));
    assertEquals(512L << 20, new SwiftBackend().uploadHeapShare(1L << 30));
    assertEquals(64L << 20, new FsBackend().uploadHeapShare(1L << 30));
  }

  private static RepositoryConfig fsConfig(Path dir, JsonObject settings) {
    return RepositoryConfig.from(new JsonObject()
      .put("FsRepository", new JsonObject().put("location", new JsonObject().put("path", dir.toString())))
      .put("config", settings));
  }

  private static UploadSlots slots(RepositoryConfig config, long maxHeap) {
    return slotsOf(config, config.storage(), maxHeap);
  }

  private static <S> UploadSlots slotsOf(RepositoryConfig config, StorageBackend<S> backend, long maxHeap) {
    return Server.uploadSlots(config, backend, backend.settings(config.backendSection()), maxHeap);
  }
}
