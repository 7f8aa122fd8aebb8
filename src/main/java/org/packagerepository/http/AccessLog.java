package org.packagerepository.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;


/**
 * One line per request, at INFO on the logger {@code org.packagerepository.access}, once its answer is out (or the
 * connection is gone): the client's address, the user (or {@code -}), method, path and query, status, bytes sent and
 * received, and milliseconds taken. Never a header, so never a secret. {@code config.log_level} WARN or above turns
 * it off.
 */
final class AccessLog {

  private static final System.Logger LOG = System.getLogger("org.packagerepository.access");

  private AccessLog() {
  }

  /** The router's first handler: notes the start, logs the line at the end. */
  static void start(RoutingContext ctx) {
    start(Exchange.of(ctx));
    ctx.next();
  }

  /** Notes the start of {@code exchange}, and logs its line at the end. */
  static void start(Exchange exchange) {
    if (LOG.isLoggable(System.Logger.Level.INFO)) {
      long started = System.nanoTime();
      exchange.onEnd(ar -> LOG.log(System.Logger.Level.INFO, line(exchange, started)));
    }
  }

  /** What the response sent, or what a download sent past it (see {@link GrowingFileResponse}). */
  private static long bodyBytes(Exchange exchange) {
    return exchange.response().bytesWritten() + exchange.bodyBytesSent();
  }

  private static String line(Exchange exchange, long started) {
    HttpServerRequest request = exchange.request();
    Object user = exchange.user();
    io.vertx.core.net.SocketAddress remote = request.remoteAddress();
    long millis = (System.nanoTime() - started) / 1_000_000;
    String status = exchange.response().ended() ? String.valueOf(exchange.response().getStatusCode()) : "closed";
    return (remote == null ? "-" : remote.hostAddress()) + " " + (user == null ? "-" : user) + " \""
      + request.method() + " " + request.uri() + "\" " + status + " " + bodyBytes(exchange) + " "
      + request.bytesRead() + " " + millis + "ms";
  }
}
