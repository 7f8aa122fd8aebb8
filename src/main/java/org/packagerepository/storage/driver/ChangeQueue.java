package org.packagerepository.storage.driver;

import io.vertx.core.Future;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Changes to one package run one after the other, so that the conditions a change checked still hold when it
 * publishes. Used from one event loop.
 */
public final class ChangeQueue {

  private final Map<String, Future<?>> last = new HashMap<>();

  /** Runs {@code change} once the changes queued before it for {@code file} have finished, failed or not. */
  public <T> Future<T> run(String file, Supplier<Future<T>> change) {
    Future<?> previous = last.getOrDefault(file, Future.succeededFuture());
    Future<T> next = previous.transform(ar -> change.get());
    last.put(file, next);
    next.onComplete(ar -> last.remove(file, next));
    return next;
  }
}
