package org.packagerepository.storage;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * A storage backend, found with {@link java.util.ServiceLoader}: adding a backend means adding its package and one
 * line in {@code META-INF/services/org.packagerepository.storage.StorageBackend}.
 */
public interface StorageBackend {

  /** Short name, as in {@code config.backend}: {@code fs}, {@code s3}, {@code swift}. */
  String name();

  /**
   * Checks the backend's section of pr-config.json and deploys its storage verticle(s), which listen on the
   * {@link StorageAddresses}. Fails with a {@link org.packagerepository.config.ConfigException} when the section is
   * not usable, with a message that names the setting.
   *
   * @return the deployment id
   */
  Future<String> deploy(Vertx vertx, JsonObject section);

  /**
   * The most heap one streaming upload may hold in this backend (its buffers, besides the transfer's credit window
   * and the HTTP side's queue), with the given section; the server sizes how many uploads stream at once from it.
   */
  default long bytesPerUpload(JsonObject section) {
    return 4L * 1024 * 1024;
  }
}
