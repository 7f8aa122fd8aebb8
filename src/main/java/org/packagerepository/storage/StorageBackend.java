package org.packagerepository.storage;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * A storage backend, found with {@link java.util.ServiceLoader}: adding a backend means adding its package and one
 * line in {@code META-INF/services/org.packagerepository.storage.StorageBackend}. The backend declares everything
 * about itself: its section of pr-config.json, the values that choose it, its environment variables and its settings,
 * which it parses once.
 *
 * @param <S> the backend's settings, parsed from its section
 */
public interface StorageBackend<S> {

  /** Short name, as in {@code config.backend}: {@code fs}, {@code s3}, {@code swift}. */
  String name();

  /** Its section of pr-config.json, as the original names it, e.g. {@code S3Repository}. */
  String section();

  /**
   * Whether an operator filled in this backend in {@code section}: the values that choose it. The original's file
   * ships every section, with some values filled in that choose nothing (e.g. the container names).
   */
  boolean isChosenBy(JsonObject section);

  /** Whether this backend is used when no backend is chosen (the file system under {@code data/packages}). */
  default boolean isDefault() {
    return false;
  }

  /** Environment variables that override values of its section: variable name to the path inside the section. */
  Map<String, String> environment();

  /**
   * Parses and checks the section, once, filling in defaults.
   *
   * @throws org.packagerepository.config.ConfigException naming the setting that is not usable
   */
  S settings(JsonObject section);

  /**
   * Deploys the backend's storage verticle(s), which listen on the {@link StorageAddresses}.
   *
   * @return the deployment id
   */
  Future<String> deploy(Vertx vertx, S settings);

  /**
   * The credit window of an upload's transfer from the HTTP side to the storage verticle on a heap of
   * {@code maxHeapBytes}: a 256th of the heap, from 256 KiB (the default window of transfers) to 1 MiB (from a 256 MiB
   * heap up). Wide on a large heap: the receiver grants credit a quarter of its window at a time, and each grant wakes
   * the HTTP side's event loop; with 256 KiB, one 1 GiB upload sent 16,384 grants and was stored a fifth slower (median
   * of five 1 GiB PUTs with fsync: 569 against 706 MiB/s). Narrow on a small heap, where what the uploads hold in flight
   * must stay small beside the young generation ({@link #uploadHeapShare}).
   */
  static int uploadWindowBytes(long maxHeapBytes) {
    return (int) Math.max(256 * 1024, Math.min(1024 * 1024, maxHeapBytes / 256));
  }

  /**
   * The most heap one streaming upload may hold in this backend on a heap of {@code maxHeapBytes}, its credit window
   * ({@link #uploadWindowBytes}) included; the server adds the HTTP side's part and sizes how many uploads stream at
   * once from it.
   */
  default long bytesPerUpload(S settings, long maxHeapBytes) {
    return 2L * 1024 * 1024 + uploadWindowBytes(maxHeapBytes);
  }

  /**
   * How much of a heap of {@code maxHeapBytes} the streaming uploads of this backend may hold between them: half by
   * default, for backends that gather an upload into parts or segments and hold each for as long as it is sent.
   */
  default long uploadHeapShare(long maxHeapBytes) {
    return maxHeapBytes / 2;
  }

  /**
   * Whether downloads may be sent to the store itself ({@link StorageAddresses#REDIRECT}): -1 (the default) never;
   * 0 always; n, only while more than n downloads are in flight on the server.
   */
  default long redirectAbove(S settings) {
    return -1;
  }
}
