package org.packagerepository.storage.cache;

import io.vertx.core.Vertx;

import org.packagerepository.storage.driver.SharedChannel;

import java.nio.channels.FileChannel;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Cached versions open for sendfile, kept open a moment after their last use, so that a hot package costs no file
 * system call per request (as the file-system backend's open files do). Keeping a version open does not keep it in
 * the cache: only its readers pin it, and a version evicted or replaced meanwhile is not handed out again. Confined to
 * the storage verticle's context; a channel is given back from any thread.
 */
final class OpenVersions {

  private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** One open version: the map holds the first reference, each reader one. */
  static final class Open extends SharedChannel {
    final CacheDirectory.Entry entry;
    /** Written also by readers that open the version without asking the verticle ({@link CachedReads#shortcut}). */
    private volatile long usedAt = System.nanoTime();

    private Open(CacheDirectory.Entry entry, FileChannel channel) {
      super(channel);
      this.entry = entry;
    }

    /** A reader's reference; on the verticle's context. */
    @Override
    public Open retain() {
      usedAt = System.nanoTime();
      super.retain();
      return this;
    }

    /** A use by a reader that took its reference itself, on any thread: the version is not idle. */
    void touch() {
      usedAt = System.nanoTime();
    }

    private boolean isIdle(long now) {
      return unread() && now - usedAt >= IDLE_NANOS;
    }
  }

  private final Vertx vertx;
  private final Map<String, Open> open = new HashMap<>();
  private long sweeper = -1;

  OpenVersions(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The open channel of exactly {@code entry} (not of an earlier copy of it), retained for a reader; or null. */
  Open retain(CacheDirectory.Entry entry) {
    Open current = open.get(entry.key());
    if (current == null) {
      return null;
    }
    if (current.entry != entry) {
      open.remove(entry.key()).release();
      return null;
    }
    return current.retain();
  }

  /** The open channel of exactly {@code entry}, not retained; or null. */
  Open current(CacheDirectory.Entry entry) {
    Open current = open.get(entry.key());
    return current != null && current.entry == entry ? current : null;
  }

  /** Keeps {@code channel} open for {@code entry} and retains it for a reader. */
  Open add(CacheDirectory.Entry entry, FileChannel channel) {
    Open added = new Open(entry, channel);
    Open previous = open.put(entry.key(), added);
    if (previous != null) {
      previous.release();
    }
    if (sweeper < 0) {
      sweeper = vertx.setPeriodic(TimeUnit.NANOSECONDS.toMillis(IDLE_NANOS), id -> closeIdle());
    }
    return added.retain();
  }

  /** This server changed {@code file}: its open versions are not handed out again. */
  void drop(String file) {
    open.values().removeIf(o -> {
      if (o.entry.file().equals(file)) {
        o.release();
        return true;
      }
      return false;
    });
  }

  void closeAll() {
    open.values().forEach(Open::release);
    open.clear();
    stopSweeping();
  }

  private void closeIdle() {
    long now = System.nanoTime();
    for (Iterator<Open> all = open.values().iterator(); all.hasNext(); ) {
      Open o = all.next();
      if (o.isIdle(now)) {
        all.remove();
        o.release();
      }
    }
    if (open.isEmpty()) {
      stopSweeping();
    }
  }

  private void stopSweeping() {
    if (sweeper >= 0) {
      vertx.cancelTimer(sweeper);
      sweeper = -1;
    }
  }
}
