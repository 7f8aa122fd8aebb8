package org.packagerepository.events;

import io.vertx.core.Future;
import org.packagerepository.storage.StorageClient;

/**
 * The one way a package is deleted, whoever asks ({@code DELETE /packages/<file>}, retention): storage deletes it (in
 * the package's turn, under the cluster's lock, telling the other members), then {@code NOTCREATED} is published, so
 * that {@code config.package_callback} hears of it.
 */
public final class PackageDeletion {

  private final StorageClient storage;
  private final PackageEvents events;

  public PackageDeletion(StorageClient storage, PackageEvents events) {
    this.storage = storage;
    this.events = events;
  }

  /**
   * Deletes {@code file}, with {@code ifMatch} only the version of that entity tag.
   *
   * @param ifMatch null, {@code *}, or the entity tag of the only version that may be deleted
   */
  public Future<Void> delete(String file, String ifMatch) {
    return storage.delete(file, ifMatch).onSuccess(v -> events.deleted(file));
  }
}
