package org.packagerepository.storage.swift;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import org.packagerepository.storage.remote.StoreCleanup;

import java.util.ArrayList;
import java.util.List;

/**
 * Deletes segments that belong to no package: those of an upload that failed, and those of a replaced version. What
 * cannot be deleted at once (Swift is down: often the very reason the upload failed) is tried again, as every clean-up
 * in a remote store is ({@link StoreCleanup}), so that a short outage leaves nothing behind. Used from one event loop.
 */
final class SegmentCleaner {

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
    List<String> left = new ArrayList<>(names);
    return StoreCleanup.run(vertx, "segments in " + paths.segmentContainerName(), () ->
      deleteEach(List.copyOf(left), 0, new ArrayList<>()).compose(stillLeft -> {
        left.retainAll(stillLeft);
        return stillLeft.isEmpty() ? Future.succeededFuture()
          : Future.failedFuture(new IllegalStateException(stillLeft.size() + " segments are left, e.g. " + stillLeft.get(0)));
      }));
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
