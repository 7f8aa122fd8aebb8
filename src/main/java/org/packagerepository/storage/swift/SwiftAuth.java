package org.packagerepository.storage.swift;

import io.vertx.core.Future;

import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Keeps a Swift token: logs in on first use, logs in again before the token expires, and once more when a request
 * was refused with 401 ({@link #rejected}). Concurrent callers share one login. Used from one event loop.
 */
public final class SwiftAuth {

  private final Supplier<Future<SwiftSession>> login;
  private final long renewBeforeNanos;
  private final LongSupplier clock;
  private SwiftSession current;
  private Future<SwiftSession> pending;

  /**
   * @param login            one login (Keystone v3, v2.0 or v1)
   * @param renewBeforeNanos how long before its expiry a token is replaced: long enough for the longest request
   *                         that cannot be replayed (a streamed upload) to start with a token that stays valid
   */
  public SwiftAuth(Supplier<Future<SwiftSession>> login, long renewBeforeNanos) {
    this(login, renewBeforeNanos, System::nanoTime);
  }

  SwiftAuth(Supplier<Future<SwiftSession>> login, long renewBeforeNanos, LongSupplier clock) {
    this.login = login;
    this.renewBeforeNanos = renewBeforeNanos;
    this.clock = clock;
  }

  /** A token valid for at least the renewal margin. */
  public Future<SwiftSession> session() {
    SwiftSession session = current;
    if (session != null && session.expiresAt() - clock.getAsLong() > renewBeforeNanos) {
      return Future.succeededFuture(session);
    }
    if (pending == null) {
      Future<SwiftSession> started = login.get();
      pending = started;
      started.onComplete(ar -> {
        pending = null;
        if (ar.succeeded()) {
          current = ar.result();
        }
      });
      // A login that completed at once has already cleared pending above.
      return started;
    }
    return pending;
  }

  /** A request with {@code session}'s token got 401: the next {@link #session()} logs in again. */
  public void rejected(SwiftSession session) {
    if (current != null && current.token().equals(session.token())) {
      current = null;
    }
  }
}
