package org.packagerepository.http;

import io.vertx.core.Context;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.impl.VertxConnection;
import io.vertx.core.Vertx;
import org.packagerepository.storage.GrowingFile;
import org.packagerepository.storage.OpenedRead;

import java.nio.channels.FileChannel;

/**
 * Sends a file that storage is still writing (a version on its way into the cache) with the kernel's sendfile, each
 * time as far as it has grown, so that the followers of a fill cost what a cached read costs instead of a trip to a
 * worker thread and an event-bus message per chunk. The body ends only once the file is complete (verified); a file
 * that fails cuts the connection, so that a short body is never taken for the package.
 *
 * <p>{@link HttpServerResponse#sendFile} ends the response after one region, so the regions go out on the HTTP/1.x
 * connection itself ({@link VertxConnection#sendFile}, what that method uses: zero-copy, or chunked reads over TLS),
 * between {@link HttpServerResponse#writeHead()} and {@link HttpServerResponse#end()}. One region is in flight at a
 * time: the connection's own back-pressure.
 */
final class GrowingFileResponse {

  private final Exchange exchange;
  private final Context context;
  private final HttpServerResponse response;
  private final VertxConnection connection;
  private final OpenedRead opened;
  private final GrowingFile growing;
  private final FileChannel channel;
  private final long end;
  private final java.util.concurrent.atomic.AtomicLong sentPast;
  private long position;
  private boolean stopped;

  private GrowingFileResponse(Vertx vertx, Exchange exchange, VertxConnection connection, OpenedRead opened,
                              long offset, long length) {
    this.exchange = exchange;
    this.context = vertx.getOrCreateContext();
    this.response = exchange.response();
    this.connection = connection;
    this.opened = opened;
    this.growing = opened.growing();
    this.channel = opened.channel();
    this.end = offset + length;
    this.position = offset;
    // The response itself does not see the bytes sent past it: counted for the access log and /stats.
    this.sentPast = exchange.bodyBytes();
  }

  /** Whether the request's connection can take file regions (HTTP/1.x). */
  static boolean supported(HttpServerRequest request) {
    return request.connection() instanceof VertxConnection;
  }

  /**
   * Sends bytes {@code [offset, offset + length)} of the growing file, the response's status and headers (with its
   * Content-Length) already set, and closes {@code opened} when done.
   */
  static void send(Vertx vertx, Exchange exchange, OpenedRead opened, long offset, long length) {
    new GrowingFileResponse(vertx, exchange, (VertxConnection) exchange.request().connection(), opened, offset, length)
      .start();
  }

  private void start() {
    // Through the exchange, not the response's close handler, which its end handlers (the access log, the count of
    // downloads in flight) need for themselves.
    exchange.onEnd(ar -> {
      if (ar.failed()) {
        stop();
      }
    });
    response.writeHead().onFailure(e -> stop());
    step();
  }

  private void step() {
    if (stopped) {
      return;
    }
    if (growing.failure() != null) {
      cut();
      return;
    }
    long available = Math.min(growing.available(), end);
    if (position < available) {
      long n = available - position;
      connection.sendFile(channel, position, n).addListener(sent -> context.runOnContext(v -> {
        if (sent.isSuccess()) {
          position += n;
          sentPast.addAndGet(n);
          step();
        } else {
          cut();
        }
      }));
    } else if (position == end && growing.complete()) {
      stopped = true;
      response.end().onComplete(ar -> opened.close());
    } else {
      // At the end of the range, only the file's completion is awaited: a range before the last byte is all there.
      growing.whenBeyond(position == end ? Long.MAX_VALUE : position, () -> context.runOnContext(v -> step()));
    }
  }

  /** The file failed, or the connection did: the client must not take what it got for the whole answer. */
  private void cut() {
    if (!stopped) {
      stopped = true;
      response.reset();
      opened.close();
    }
  }

  /** The client went away. */
  private void stop() {
    stopped = true;
    opened.close();
  }
}
