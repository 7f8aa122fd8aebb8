package org.packagerepository.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;

import java.util.HashMap;
import java.util.Map;

/**
 * Closes a new connection that has not sent a whole request head within the limit: a client that opens connections
 * and trickles header bytes (which would keep the idle timeout from firing) cannot hold them. Later requests on a kept
 * connection are covered by the idle timeout. Confined to one HTTP verticle's event loop.
 */
final class HeaderTimeout {

  private final Vertx vertx;
  private final long timeoutMs;
  private final Map<HttpConnection, Long> waiting = new HashMap<>();

  HeaderTimeout(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
  }

  void connected(HttpConnection connection) {
    long timer = vertx.setTimer(timeoutMs, id -> {
      waiting.remove(connection);
      connection.close();
    });
    waiting.put(connection, timer);
    connection.closeHandler(v -> cancel(connection));
  }

  /** A request head arrived on {@code connection}. */
  void received(HttpConnection connection) {
    cancel(connection);
  }

  private void cancel(HttpConnection connection) {
    Long timer = waiting.remove(connection);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }
}
