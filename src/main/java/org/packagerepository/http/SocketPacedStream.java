package org.packagerepository.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.streams.WriteStream;

/**
 * Passes a request body on to {@code target} and, while the target is full, stops reading the request's connection at
 * the socket instead of letting the request be paused: what a paused request still reads ({@link SocketReads}) is held
 * for as long as storage is behind, long enough on a small heap for G1 to promote it, and the old generation then fills
 * with upload data that is dead a moment later.
 * Stopped at the socket, the rest of the body waits in the kernel's buffer; the chunks already decoded from the last read
 * are still passed on (the target queues them).
 *
 * <p>Reading is stopped again at every write while the target is full: Vert.x turns reading back on by itself once it has
 * passed on chunks it had queued while the request was paused (its own bookkeeping knows nothing of this stop).
 * Connections whose socket is not exposed (not HTTP/1.x) keep Vert.x's pausing: the stream is then full when the target
 * is. Used on the request's event loop only.
 */
final class SocketPacedStream implements WriteStream<Buffer> {

  private final HttpServerRequest request;
  private final WriteStream<Buffer> target;
  private final boolean atSocket;
  private boolean stopped;
  private Handler<Void> drainHandler;

  SocketPacedStream(HttpServerRequest request, WriteStream<Buffer> target) {
    this.request = request;
    this.target = target;
    this.atSocket = SocketReads.canStop(request);
    target.drainHandler(v -> {
      restart();
      Handler<Void> handler = drainHandler;
      if (handler != null) {
        handler.handle(null);
      }
    });
  }

  /** Reads the connection again if this stream stopped it; a no-op otherwise. */
  void restart() {
    if (stopped) {
      stopped = false;
      SocketReads.restart(request);
    }
  }

  @Override
  public Future<Void> write(Buffer data) {
    Future<Void> written = target.write(data);
    if (atSocket && target.writeQueueFull()) {
      stopped = true;
      SocketReads.stop(request);
    }
    return written;
  }

  @Override
  public boolean writeQueueFull() {
    return !atSocket && target.writeQueueFull();
  }

  @Override
  public Future<Void> end() {
    return target.end();
  }

  @Override
  public SocketPacedStream exceptionHandler(Handler<Throwable> handler) {
    target.exceptionHandler(handler);
    return this;
  }

  @Override
  public SocketPacedStream setWriteQueueMaxSize(int maxSize) {
    target.setWriteQueueMaxSize(maxSize);
    return this;
  }

  @Override
  public SocketPacedStream drainHandler(Handler<Void> handler) {
    drainHandler = handler;
    return this;
  }
}
