package org.packagerepository.storage.remote;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.function.Supplier;

/**
 * A clean-up in a remote store (aborting a multipart upload, deleting a temporary object) that must not be given up
 * when the store does not answer: that is often the very reason an upload failed. A step that fails is tried again
 * every {@value #RETRY_MS} ms, up to {@value #MAX_ATTEMPTS} times, so that an outage of up to ten minutes leaves
 * nothing behind. Used from one event loop.
 */
public final class StoreCleanup {

  static final long RETRY_MS = 5_000;
  static final int MAX_ATTEMPTS = 120;
  private static final System.Logger LOG = System.getLogger(StoreCleanup.class.getName());

  private StoreCleanup() {
  }

  /**
   * Runs {@code step} until it succeeds (a step for which "already gone" is success must say so). Completes after the
   * first attempt, successful or not, so that a caller can answer without waiting for the store to come back.
   */
  public static Future<Void> run(Vertx vertx, String what, Supplier<Future<?>> step) {
    return attempt(vertx, what, step, 1);
  }

  private static Future<Void> attempt(Vertx vertx, String what, Supplier<Future<?>> step, int attempt) {
    return step.get().<Void>mapEmpty().recover(e -> {
      if (attempt < MAX_ATTEMPTS) {
        vertx.setTimer(RETRY_MS, id -> attempt(vertx, what, step, attempt + 1));
      } else {
        LOG.log(System.Logger.Level.WARNING, "Gave up cleaning up " + what + " after " + attempt + " attempts: "
          + e.getMessage());
      }
      return Future.succeededFuture();
    });
  }
}
