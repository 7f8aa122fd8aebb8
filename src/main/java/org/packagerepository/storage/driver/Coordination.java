package org.packagerepository.storage.driver;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import org.packagerepository.storage.StorageError;

import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Supplier;

/**
 * What a storage verticle does beyond its own server for a change: one instance needs nothing more than its own
 * per-package queue; several instances over one store (cluster mode) take a cluster-wide lock of the package for the
 * change's turn, and tell the others of each change. Registered for a {@link Vertx} before storage is deployed.
 * Implementations must be thread-safe.
 */
public interface Coordination {

  /** One instance: nobody else to wait for or to tell. */
  Coordination NONE = new Coordination() {
    @Override
    public <T> Future<T> locked(String file, Supplier<Future<T>> change) {
      return change.get();
    }

    @Override
    public void changed(String file) {
    }

    @Override
    public Future<ReadStream<Buffer>> fromOwner(String file, String etag, long offset, long length) {
      return Future.succeededFuture();
    }
  };

  /**
   * Runs {@code change} with {@code file} locked for every instance: its conditions hold when it publishes. Fails
   * with {@link StorageError#UNAVAILABLE} when the lock cannot be had in time.
   */
  <T> Future<T> locked(String file, Supplier<Future<T>> change);

  /** This instance changed {@code file}: the others drop what they know of it. */
  void changed(String file);

  /**
   * Bytes {@code [offset, offset + length)} of version {@code etag} of {@code file} from the instance that owns that
   * version, so that a version not cached anywhere is read from the store once for all instances: the owner reads it
   * (once, however many ask) and streams it to the others as it arrives. Null when this instance is the owner, or
   * when the owner cannot answer now: then this instance reads the store itself.
   */
  Future<ReadStream<Buffer>> fromOwner(String file, String etag, long offset, long length);

  /** The coordination of the storage deployed on {@code vertx}; {@link #NONE} unless one was registered. */
  static Coordination of(Vertx vertx) {
    synchronized (Registry.BY_VERTX) {
      return Registry.BY_VERTX.getOrDefault(vertx, NONE);
    }
  }

  /** Makes {@code coordination} the one of the storage deployed on {@code vertx} from now on. */
  static void register(Vertx vertx, Coordination coordination) {
    synchronized (Registry.BY_VERTX) {
      Registry.BY_VERTX.put(vertx, coordination);
    }
  }

  /** Held weakly: a closed Vertx takes its coordination with it. */
  final class Registry {
    private static final Map<Vertx, Coordination> BY_VERTX = new WeakHashMap<>();

    private Registry() {
    }
  }
}
