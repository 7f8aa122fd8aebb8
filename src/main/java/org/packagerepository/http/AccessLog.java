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

  /** Where {@link AccessGuard} puts the name of the user a request was admitted as. */
  static final String USER = "access.user";

  private static final System.Logger LOG = System.getLogger("org.packagerepository.access");

  private AccessLog() {
  }

  /** The router's first handler: notes the start, logs the line at the end. */
  static void start(RoutingContext ctx) {
    if (!LOG.isLoggable(System.Logger.Level.INFO)) {
      ctx.next();
      return;
    }
    long started = System.nanoTime();
    ctx.addEndHandler(ar -> LOG.log(System.Logger.Level.INFO, line(ctx, started)));
    ctx.next();
  }

  /** What the response sent, or what a download sent past it (see {@link GrowingFileResponse}). */
  private static long bodyBytes(RoutingContext ctx) {
    java.util.concurrent.atomic.AtomicLong past = ctx.get(GrowingFileResponse.BODY_BYTES);
    return ctx.response().bytesWritten() + (past != null ? past.get() : 0);
  }

  private static String line(RoutingContext ctx, long started) {
    HttpServerRequest request = ctx.request();
    Object user = ctx.get(USER);
    io.vertx.core.net.SocketAddress remote = request.remoteAddress();
    long millis = (System.nanoTime() - started) / 1_000_000;
    String status = ctx.response().ended() ? String.valueOf(ctx.response().getStatusCode()) : "closed";
    return (remote == null ? "-" : remote.hostAddress()) + " " + (user == null ? "-" : user) + " \""
      + request.method() + " " + request.uri() + "\" " + status + " " + bodyBytes(ctx) + " "
      + request.bytesRead() + " " + millis + "ms";
  }
}
