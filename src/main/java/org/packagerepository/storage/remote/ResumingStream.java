package org.packagerepository.storage.remote;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import org.packagerepository.storage.driver.ForwardingReadStream;
import org.packagerepository.storage.driver.StoreStream;

import java.util.function.LongFunction;

/**
 * A read of {@code length} bytes from one source (another member of the cluster) that, should that source fail before
 * the end, goes on from another (the store) at the first byte not yet delivered: a member that dies mid-stream costs
 * its followers nothing but a moment. The other source checks the version as any read does, so the bytes that follow
 * are of the same version, or the read fails. Used from one context.
 */
final class ResumingStream extends ForwardingReadStream {

  private final long length;
  private final LongFunction<Future<ReadStream<Buffer>>> rest;
  private long delivered;
  private boolean resumed;
  private boolean paused;
  private boolean over;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;

  /**
   * @param first  the first source
   * @param length the bytes the read delivers in all
   * @param rest   the other source, from the given number of bytes already delivered to the end
   */
  ResumingStream(ReadStream<Buffer> first, long length, LongFunction<Future<ReadStream<Buffer>>> rest) {
    super(first);
    this.length = length;
    this.rest = rest;
    // No byte may flow before the reader has set its handlers and resumed (as a pipe does).
    paused = true;
    attach(first);
  }

  private void attach(ReadStream<Buffer> next) {
    source = next;
    next.handler(chunk -> {
      delivered += chunk.length();
      if (handler != null) {
        handler.handle(chunk);
      }
    });
    next.endHandler(v -> {
      over = true;
      if (endHandler != null) {
        endHandler.handle(null);
      }
    });
    next.exceptionHandler(this::failed);
    if (paused) {
      next.pause();
    } else {
      next.resume();
    }
  }

  private void failed(Throwable cause) {
    if (over) {
      return;
    }
    if (resumed || delivered >= length) {
      fail(cause);
      return;
    }
    resumed = true;
    ReadStream<Buffer> broken = source;
    broken.handler(null).endHandler(null).exceptionHandler(null);
    if (broken instanceof StoreStream cancellable) {
      cancellable.cancel();
    }
    rest.apply(delivered).onComplete(ar -> {
      if (over) {
        if (ar.succeeded() && ar.result() instanceof StoreStream cancellable) {
          cancellable.cancel();
        }
      } else if (ar.succeeded()) {
        attach(ar.result());
      } else {
        fail(ar.cause());
      }
    });
  }

  private void fail(Throwable cause) {
    over = true;
    if (exceptionHandler != null) {
      exceptionHandler.handle(cause);
    }
  }

  @Override
  public void cancel() {
    over = true;
    super.cancel();
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    exceptionHandler = handler;
    return this;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    this.handler = handler;
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    paused = true;
    return super.pause();
  }

  @Override
  public ReadStream<Buffer> resume() {
    paused = false;
    return super.resume();
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    return this;
  }
}
