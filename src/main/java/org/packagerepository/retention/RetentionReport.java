package org.packagerepository.retention;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.packagerepository.storage.StorageError;
import org.packagerepository.storage.StorageException;

/**
 * What a run did, or as a dry run would do: {@code {"dry_run", "deleted": [entry...], "kept": n, "failed":
 * [entry...]}}, each entry {@code {"file", "version", "size", "modified", "last_download", "reason"}} saying why.
 */
final class RetentionReport {

  private final boolean dryRun;
  private final JsonArray deleted = new JsonArray();
  private final JsonArray failed = new JsonArray();
  private int kept;

  RetentionReport(boolean dryRun) {
    this.dryRun = dryRun;
  }

  /** One more version stays. */
  void kept() {
    kept++;
  }

  /** The version of {@code decision} was deleted (or, as a dry run, would be). */
  void deleted(RetentionRule.Decision decision) {
    deleted.add(describe(decision).put("reason", decision.reason()));
  }

  /** The version of {@code decision} was to go, and its delete failed with {@code cause}. */
  void failed(RetentionRule.Decision decision, Throwable cause) {
    String why;
    if (cause instanceof StorageException se && se.error() == StorageError.PRECONDITION_FAILED) {
      why = "not deleted: it was replaced by a new upload after retention decided";
    } else if (cause instanceof StorageException se && se.error() == StorageError.NOT_FOUND) {
      why = "not deleted: it was already gone";
    } else {
      why = "not deleted: " + cause.getMessage();
    }
    failed.add(describe(decision).put("reason", why));
  }

  private static JsonObject describe(RetentionRule.Decision decision) {
    return new JsonObject().put("file", decision.info().file()).put("version", decision.file().version().text())
      .put("size", decision.info().size()).put("modified", decision.info().modified())
      .put("last_download", decision.lastDownload());
  }

  JsonObject toJson() {
    return new JsonObject().put("dry_run", dryRun).put("deleted", deleted.copy()).put("kept", kept)
      .put("failed", failed.copy());
  }
}
