package org.packagerepository.retention;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.packagerepository.packages.PackageFile;
import org.packagerepository.storage.StorageClient;

import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * When each package was last downloaded (epoch milliseconds), for {@code keep_downloaded_days}. Recording costs a
 * download one map update and no I/O: every HTTP event loop records here at once (thread-safe). The times go to the
 * store in the background ({@link #flush}), as the state object {@value #STATE}, and are merged back from it, so they
 * survive restarts and the members of a cluster see each other's.
 *
 * <p>Merging takes the later time per package, both ways: a flush reads what is stored, adds what is known here and
 * writes the result back, under a lock of the cluster (a Vert.x shared-data lock: cluster-wide under Hazelcast, local
 * otherwise), so two members flushing at once do not overwrite each other's times.
 */
public final class DownloadTimes {

  /** The name of the state object in the store. */
  public static final String STATE = "download-times";
  /** The shared-data lock that flushes take. */
  static final String LOCK = "pr.retention.download-times";
  /** How long a flush waits for another member's flush before it leaves its times for the next one. */
  static final long LOCK_WAIT_MS = 10_000;

  private static final System.Logger LOG = System.getLogger(DownloadTimes.class.getName());

  private final InstantSource clock;
  private final Map<String, Long> times = new ConcurrentHashMap<>();
  /** Whether a time was recorded since the last flush began. */
  private final AtomicBoolean changed = new AtomicBoolean();

  public DownloadTimes(InstantSource clock) {
    this.clock = clock;
  }

  /** {@code file} was downloaded now. */
  public void record(String file) {
    times.merge(file, clock.millis(), Math::max);
    changed.set(true);
  }

  /** When {@code file} was last downloaded, as far as this server knows; null when never. */
  public Long lastDownload(String file) {
    return times.get(file);
  }

  /** Forgets {@code file} here (it was deleted); what the store holds of it ages out ({@link #flush}). */
  void forget(String file) {
    times.remove(file);
  }

  /** Takes in what the store holds: the later time per package wins. */
  void merge(JsonObject stored) {
    if (stored == null) {
      return;
    }
    stored.forEach(entry -> {
      if (entry.getValue() instanceof Number time && PackageFile.isValid(entry.getKey())) {
        times.merge(entry.getKey(), time.longValue(), Math::max);
      }
    });
  }

  /** Reads the stored times into this one (at start, and before retention decides). */
  Future<Void> load(StorageClient storage) {
    return storage.readState(STATE).map(stored -> {
      merge(stored);
      return null;
    });
  }

  /**
   * Writes the times to the store, merged with what it holds, when a time was recorded since the last flush; times
   * older than {@code forgetAfterMillis} (-1: none) are left out, as they no longer keep anything. A flush that fails
   * leaves its times for the next.
   */
  Future<Void> flush(Vertx vertx, StorageClient storage, long forgetAfterMillis) {
    if (!changed.getAndSet(false)) {
      return Future.succeededFuture();
    }
    return vertx.sharedData().getLockWithTimeout(LOCK, LOCK_WAIT_MS)
      .compose(lock -> load(storage)
        .compose(v -> storage.writeState(STATE, toJson(forgetAfterMillis)))
        .eventually(() -> {
          lock.release();
          return Future.succeededFuture();
        }))
      .onFailure(e -> {
        changed.set(true);
        LOG.log(System.Logger.Level.WARNING, "The last-download times were not stored, trying again later: "
          + e.getMessage());
      });
  }

  private JsonObject toJson(long forgetAfterMillis) {
    long now = clock.millis();
    JsonObject json = new JsonObject();
    times.forEach((file, time) -> {
      if (forgetAfterMillis < 0 || now - time < forgetAfterMillis) {
        json.put(file, time);
      } else {
        times.remove(file, time);
      }
    });
    return json;
  }
}
