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
   * The most heap one streaming upload may hold in this backend (its buffers, besides the transfer's credit window
   * and the HTTP side's queue); the server sizes how many uploads stream at once from it.
   */
  default long bytesPerUpload(S settings) {
    return 4L * 1024 * 1024;
  }

  /**
   * Whether downloads may be sent to the store itself ({@link StorageAddresses#REDIRECT}): -1 (the default) never;
   * 0 always; n, only while more than n downloads are in flight on the server.
   */
  default long redirectAbove(S settings) {
    return -1;
  }
}
