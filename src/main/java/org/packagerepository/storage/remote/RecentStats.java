package org.packagerepository.storage.remote;

import io.vertx.core.Future;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What a remote store said of packages less than a maximum age ago (the backend's revalidation interval), so that a
 * hot package costs the store one request per interval instead of one per download. Changes made by other writers show
 * within that time; this server's own at once: a change forgets the package, and an answer to a request sent before a change is not kept, since it may
 * describe the old version. Used from one event loop.
 *
 * @param <T> what is kept of a package
 */
public final class RecentStats<T> {

  private static final int MAX_ENTRIES = 10_000;

  private final Map<String, Entry<T>> entries = new HashMap<>();
  private final Map<String, Future<T>> asking = new HashMap<>();
  private final long maxAgeNanos;
  private final LongSupplier clock;
  private long changes;

  /** @param maxAgeNanos how long an answer is used without asking again; 0 asks every time */
  public RecentStats(long maxAgeNanos) {
    this(maxAgeNanos, System::nanoTime);
  }

  RecentStats(long maxAgeNanos, LongSupplier clock) {
    this.maxAgeNanos = maxAgeNanos;
    this.clock = clock;
  }

  /**
   * What was said of {@code file} less than the maximum age ago (unless {@code recheck}), else what {@code ask} gets
   * from the store. Requests for a package while it is being asked about share that one request: when a hot package's
   * answer expires, the store is asked once, not by every download in flight.
   */
  public Future<T> get(String file, boolean recheck, Supplier<Future<T>> ask) {
    T known = recheck ? null : fresh(file);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    Future<T> running = asking.get(file);
    if (running != null) {
      return running;
    }
    long mark = mark();
    Future<T> asked = ask.get();
    if (!asked.isComplete()) {
      asking.put(file, asked);
    }
    return asked.andThen(ar -> {
      asking.remove(file, asked);
      if (ar.succeeded()) {
        put(file, ar.result(), mark);
      }
    });
  }

  /** What was said of {@code file} less than the maximum age ago, or null. */
  public T fresh(String file) {
    Entry<T> entry = entries.get(file);
    return entry != null && clock.getAsLong() - entry.at < maxAgeNanos ? entry.value : null;
  }

  /** Until when (System.nanoTime()) what was said of {@code file} is used without asking again; MIN_VALUE: not kept. */
  public long freshUntil(String file) {
    Entry<T> entry = entries.get(file);
    return entry == null ? Long.MIN_VALUE : entry.at + maxAgeNanos;
  }

  /** A mark to take before asking the store, for {@link #put}. */
  public long mark() {
    return changes;
  }

  /** Keeps what the store answered to a request sent at {@code mark}, unless this server changed a package since. */
  public void put(String file, T value, long mark) {
    if (changes != mark) {
      return;
    }
    if (entries.size() >= MAX_ENTRIES) {
      entries.clear();
    }
    entries.put(file, new Entry<>(value, clock.getAsLong()));
  }

  /** This server changed {@code file}: a request about it sent before the change is not shared any more. */
  public void changed(String file) {
    changes++;
    entries.remove(file);
    asking.remove(file);
  }

  /** Any package may have changed: nothing said before is shared or kept any more. */
  public void changedAll() {
    changes++;
    entries.clear();
    asking.clear();
  }

  /** What was said of {@code file} turned out to be out of date. */
  public void forget(String file) {
    entries.remove(file);
  }

  private record Entry<T>(T value, long at) {
  }
}
