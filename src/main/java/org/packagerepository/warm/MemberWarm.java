package org.packagerepository.warm;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.packagerepository.packages.PackageFile;
import org.packagerepository.storage.GrowingFile;
import org.packagerepository.storage.OpenedRead;
import org.packagerepository.storage.PackageInfo;
import org.packagerepository.storage.StorageClient;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One member's part of a warm: each file brought into this member's cache the way a cold read brings it (so in a
 * cluster through its owner, one store read for all members), a few at a time, without sending it anywhere. A file
 * storage can send from a local file already (the file system, a cached version) is done at once. Runs on one
 * context: the warm verticle's.
 */
final class MemberWarm {

  /** Files brought in at once: enough to fill the pipe to the store, few enough to leave it to the clients. */
  static final int PARALLEL_FILES = 4;

  enum State { RUNNING, DONE, FAILED }

  private final Context context;
  private final StorageClient storage;
  private final Map<String, FileWarm> files = new LinkedHashMap<>();
  private final Deque<FileWarm> waiting = new ArrayDeque<>();
  private final long started = System.currentTimeMillis();
  private long finished;
  private int running;

  MemberWarm(Context context, StorageClient storage, List<String> names) {
    this.context = context;
    this.storage = storage;
    for (String name : names) {
      files.computeIfAbsent(name, FileWarm::new);
    }
    waiting.addAll(files.values());
  }

  void start() {
    while (running < PARALLEL_FILES && !waiting.isEmpty()) {
      running++;
      FileWarm file = waiting.poll();
      file.warm().onComplete(ar -> {
        running--;
        if (ar.failed()) {
          file.fail(ar.cause().getMessage());
        }
        if (running == 0 && waiting.isEmpty()) {
          finished = System.currentTimeMillis();
        }
        start();
      });
    }
  }

  /** Whether every file is done or failed, for at least {@code millis}. */
  boolean finishedFor(long millis) {
    return finished > 0 && System.currentTimeMillis() - finished >= millis;
  }

  State state() {
    boolean failed = false;
    for (FileWarm file : files.values()) {
      if (file.state == State.RUNNING) {
        return State.RUNNING;
      }
      failed |= file.state == State.FAILED;
    }
    return failed ? State.FAILED : State.DONE;
  }

  /** {@code {"state", "started", "files": [{"file", "state", "bytes", "size", "reason"}]}}. */
  JsonObject toJson() {
    List<JsonObject> list = new ArrayList<>();
    files.values().forEach(file -> list.add(file.toJson()));
    return new JsonObject().put("state", name(state())).put("started", started).put("files", new JsonArray(list));
  }

  static String name(State state) {
    return state.name().toLowerCase(java.util.Locale.ROOT);
  }

  /** One file of the warm. */
  private final class FileWarm {
    private final String file;
    private State state = State.RUNNING;
    private String reason;
    private long size = -1;
    private long bytes;
    private GrowingFile growing;

    private FileWarm(String file) {
      this.file = file;
    }

    /** Completes when the file is in the cache, or has failed (and said why). */
    Future<Void> warm() {
      if (!PackageFile.isValid(file)) {
        fail("not a package file name");
        return Future.succeededFuture();
      }
      return storage.openRead(file).compose(opened -> {
        PackageInfo info = opened.info();
        size = info.size();
        // An empty package has nothing to bring in (and is never cached).
        if (opened.hasChannel() || size == 0) {
          opened.close();
          done();
          return Future.succeededFuture();
        }
        opened.close();
        return storage.follow(file, info.etag()).compose(this::follow);
      });
    }

    private Future<Void> follow(OpenedRead followed) {
      if (followed == null) {
        fail("this member keeps no copy: its cache is off, or has no room for the package");
        return Future.succeededFuture();
      }
      growing = followed.growing();
      if (growing == null) {
        followed.close();
        done();
        return Future.succeededFuture();
      }
      io.vertx.core.Promise<Void> filled = io.vertx.core.Promise.promise();
      growing.whenBeyond(Long.MAX_VALUE, () -> context.runOnContext(v -> {
        followed.close();
        if (growing.failure() != null) {
          fail(String.valueOf(growing.failure().getMessage()));
        } else {
          done();
        }
        filled.complete();
      }));
      return filled.future();
    }

    private void done() {
      state = State.DONE;
      bytes = size;
      growing = null;
    }

    void fail(String why) {
      if (state == State.RUNNING) {
        state = State.FAILED;
        reason = why;
        bytes = growing != null ? growing.available() : bytes;
        growing = null;
      }
    }

    JsonObject toJson() {
      JsonObject json = new JsonObject().put("file", file).put("state", name(state))
        .put("bytes", growing != null ? growing.available() : bytes);
      if (size >= 0) {
        json.put("size", size);
      }
      if (reason != null) {
        json.put("reason", reason);
      }
      return json;
    }
  }
}
