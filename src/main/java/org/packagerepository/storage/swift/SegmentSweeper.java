package org.packagerepository.storage.swift;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Finds segments that no package uses and deletes them: those of an upload whose server was killed, or whose
 * segments could not be deleted before it stopped. A segment is named {@code <path>/<file>/<upload>/<n>}; the
 * segments of one upload go when the newest of them is older than {@code minAgeMillis} (an upload in progress on any
 * server writes a new segment at least that often) and the package's manifest, read now, does not name them.
 * Used from one event loop.
 */
final class SegmentSweeper {

  private static final System.Logger LOG = System.getLogger(SegmentSweeper.class.getName());

  private final SwiftClient swift;
  private final SwiftPaths paths;
  private final SwiftSettings settings;
  private final SegmentCleaner cleaner;
  private final long minAgeMillis;
  private final Predicate<String> inProgressHere;
  private boolean stopped;

  /** @param inProgressHere whether an upload id belongs to an upload streaming in this server now */
  SegmentSweeper(SwiftClient swift, SwiftPaths paths, SwiftSettings settings, SegmentCleaner cleaner,
                 long minAgeMillis, Predicate<String> inProgressHere) {
    this.swift = swift;
    this.paths = paths;
    this.settings = settings;
    this.cleaner = cleaner;
    this.minAgeMillis = minAgeMillis;
    this.inProgressHere = inProgressHere;
  }

  /** One sweep; completes with the number of segments deleted (or tried). */
  Future<Integer> sweep() {
    Map<String, Upload> uploads = new HashMap<>();
    return listPage(null, uploads).compose(v -> {
      long now = System.currentTimeMillis();
      Map<String, List<Upload>> oldByFile = new HashMap<>();
      for (Upload upload : uploads.values()) {
        if (now - upload.newest >= minAgeMillis && !inProgressHere.test(upload.id)) {
          oldByFile.computeIfAbsent(upload.file, f -> new ArrayList<>()).add(upload);
        }
      }
      return sweepFiles(new ArrayList<>(oldByFile.entrySet()), 0, 0);
    }).onFailure(e -> {
      if (!stopped) {
        LOG.log(System.Logger.Level.WARNING, "Looking for segments that no package uses in "
          + settings.segmentContainer() + " failed; trying again later: " + e.getMessage());
      }
    });
  }

  /** The server is stopping: a sweep cut short by it is not worth a warning. */
  void stop() {
    stopped = true;
  }

  private Future<Integer> sweepFiles(List<Map.Entry<String, List<Upload>>> files, int from, int deleted) {
    if (from >= files.size()) {
      if (deleted > 0) {
        LOG.log(System.Logger.Level.INFO, "Deleted " + deleted + " segments that no package uses in "
          + settings.segmentContainer());
      }
      return Future.succeededFuture(deleted);
    }
    String file = files.get(from).getKey();
    return usedUploads(file).compose(used -> {
      List<String> unused = new ArrayList<>();
      for (Upload upload : files.get(from).getValue()) {
        if (!used.contains(upload.id)) {
          unused.addAll(upload.segments);
        }
      }
      return cleaner.delete(unused).map(unused.size());
    }).compose(n -> sweepFiles(files, from + 1, deleted + n));
  }

  /** The upload ids whose segments the package's manifest names now; none for a plain object or no package. */
  private Future<Set<String>> usedUploads(String file) {
    Set<String> used = new HashSet<>();
    // Only a manifest is read: a plain object's GET would be the whole package.
    return swift.send(HttpMethod.HEAD, paths.object(file), null, null, file).compose(head -> {
      if (head.status() == 404 || head.status() / 100 == 2
        && !"true".equalsIgnoreCase(head.headers().get("X-Static-Large-Object"))) {
        return Future.succeededFuture(used);
      }
      if (head.status() / 100 != 2) {
        return Future.failedFuture(SwiftErrors.status(head.status(), file));
      }
      return swift.send(HttpMethod.GET, paths.object(file) + "?multipart-manifest=get", null, null, file)
        .compose(answer -> {
          if (answer.status() / 100 != 2) {
            return Future.failedFuture(SwiftErrors.status(answer.status(), file));
          }
          String start = "/" + settings.segmentContainer() + "/" + paths.name(file) + "/";
          for (Object entry : new JsonArray(answer.body())) {
            String name = entry instanceof JsonObject e ? e.getString("name", "") : "";
            if (name.startsWith(start)) {
              used.add(name.substring(start.length()).split("/")[0]);
            }
          }
          return Future.succeededFuture(used);
        });
    });
  }

  private Future<Void> listPage(String marker, Map<String, Upload> uploads) {
    String prefix = settings.namePrefix();
    String query = "?format=json" + SwiftPaths.query("prefix", prefix)
      + SwiftPaths.query("limit", Integer.toString(settings.pageSize()))
      + (marker == null ? "" : SwiftPaths.query("marker", marker));
    return swift.send(HttpMethod.GET, paths.segmentContainer() + query, null, null, "the segment listing")
      .compose(answer -> {
        if (answer.status() == 404 || answer.status() == 204 || answer.body().length() == 0) {
          return Future.succeededFuture();
        }
        if (answer.status() / 100 != 2) {
          return Future.failedFuture(SwiftErrors.status(answer.status(), "the segment listing"));
        }
        JsonArray page = new JsonArray(answer.body());
        String last = null;
        for (Object item : page) {
          JsonObject entry = (JsonObject) item;
          last = entry.getString("name");
          String[] parts = last.substring(prefix.length()).split("/");
          if (parts.length != 3) {
            continue;   // not a segment of ours: <file>/<upload>/<n>
          }
          Upload upload = uploads.computeIfAbsent(parts[0] + "/" + parts[1], k -> new Upload(parts[0], parts[1]));
          upload.segments.add(last);
          upload.newest = Math.max(upload.newest, SwiftObjects.listedModified(entry.getString("last_modified")));
        }
        return page.size() >= settings.pageSize() && last != null ? listPage(last, uploads) : Future.succeededFuture();
      });
  }

  private static final class Upload {
    final String file;
    final String id;
    final List<String> segments = new ArrayList<>();
    long newest;

    Upload(String file, String id) {
      this.file = file;
      this.id = id;
    }
  }
}
