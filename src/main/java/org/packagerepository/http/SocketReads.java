package org.packagerepository.http;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.Http1xServerConnection;

/**
 * Stops and restarts reading a request's connection at the socket. A paused request still lets Vert.x read up to 16
 * chunks into its queue, and 8 more into the connection, before it stops the socket: about 1.5 MiB per connection,
 * too much for hundreds of waiting uploads on a small heap. With reading stopped, a waiting body stays in the kernel's
 * socket buffer. Only HTTP/1.x connections are stopped so: an HTTP/2 connection carries other requests' streams too,
 * and keeps Vert.x's own pausing.
 */
final class SocketReads {

  private SocketReads() {
  }

  /** Whether {@link #stop} works for this request's connection (HTTP/1.x). */
  static boolean canStop(HttpServerRequest request) {
    return request.connection() instanceof Http1xServerConnection;
  }

  /** Must be called on the connection's event loop. */
  static void stop(HttpServerRequest request) {
    set(request.connection(), false);
  }

  /** Must be called on the connection's event loop. */
  static void restart(HttpServerRequest request) {
    set(request.connection(), true);
  }

  private static void set(HttpConnection connection, boolean reading) {
    if (connection instanceof Http1xServerConnection server) {
      server.channelHandlerContext().channel().config().setAutoRead(reading);
    }
  }
}
