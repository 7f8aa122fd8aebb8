package org.packagerepository.events;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.packagerepository.packages.PackageFile;
import org.packagerepository.transfer.Transfers;

/**
 * Publishes what happened to a package, in the original's callback form: {@code {"id": <file without .tar.gz>,
 * "state": "CREATED" | "NOTCREATED", "timestamp": <ms>}}. Publishing costs the caller nothing more: nobody answers.
 */
public final class PackageEvents {

  /** Where package events are published. */
  public static final String ADDRESS = "package.events";

  private final Vertx vertx;

  public PackageEvents(Vertx vertx) {
    this.vertx = vertx;
  }

  /** {@code file} was stored. */
  public void created(String file) {
    publish(file, "CREATED");
  }

  /** {@code file} was deleted. */
  public void deleted(String file) {
    publish(file, "NOTCREATED");
  }

  private void publish(String file, String state) {
    String id = file.endsWith(PackageFile.EXTENSION)
      ? file.substring(0, file.length() - PackageFile.EXTENSION.length()) : file;
    // Local: in cluster mode each member tells of the changes it answered, once.
    vertx.eventBus().publish(ADDRESS, new JsonObject().put("id", id).put("state", state)
      .put("timestamp", System.currentTimeMillis()), Transfers.LOCAL);
  }
}
