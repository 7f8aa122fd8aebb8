package org.packagerepository.storage.swift;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;

import java.util.ArrayList;
import java.util.List;

/**
 * Deletes segments that belong to no package: those of an upload that failed, and those of a replaced version. What
 * cannot be deleted at once (Swift is down: often the very reason the upload failed) is tried again every
 * {@link #RETRY_MS} ms for a while, so that a short outage leaves nothing behind. Used from one event loop.
 */
final class SegmentCleaner {

  static final long RETRY_MS = 5_000;
  static final int MAX_ATTEMPTS = 120;
  private static final System.Logger LOG = System.getLogger(SegmentCleaner.class.getName());

  private final Vertx vertx;
  private final SwiftClient swift;
  private final SwiftPaths paths;

  SegmentCleaner(Vertx vertx, SwiftClient swift, SwiftPaths paths) {
    this.vertx = vertx;
    this.swift = swift;
    this.paths = paths;
  }

  /** Deletes the segments (names in the segment container); completes after the first try of each. */
  Future<Void> delete(List<String> names) {
    return attempt(names, 1);
  }

  private Future<Void> attempt(List<String> names, int attempt) {
    return deleteEach(names, 0, new ArrayList<>()).map(left -> {
      if (left.isEmpty()) {
        return null;
      }
      if (attempt < MAX_ATTEMPTS) {
        vertx.setTimer(RETRY_MS, id -> attempt(left, attempt + 1));
      } else {
        LOG.log(System.Logger.Level.WARNING, "Gave up deleting " + left.size() + " segments that belong to no package"
          + " in " + paths.segmentContainerName() + ", e.g. " + left.get(0));
      }
      return null;
    });
  }

  private Future<List<String>> deleteEach(List<String> names, int from, List<String> left) {
    if (from >= names.size()) {
      return Future.succeededFuture(left);
    }
    String name = names.get(from);
    return swift.send(HttpMethod.DELETE, SwiftPaths.path(paths.segmentContainer(), name), null, null, name)
      .map(answer -> answer.status() / 100 == 2 || answer.status() == 404)
      .otherwise(false)
      .compose(deleted -> {
        if (!deleted) {
          left.add(name);
        }
        return deleteEach(names, from + 1, left);
      });
  }
}
