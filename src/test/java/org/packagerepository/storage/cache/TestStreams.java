package org.packagerepository.storage.cache;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;

/** Streams for the cache's tests: a store's answer fed by hand, and a reader that collects what it gets. */
final class TestStreams {

  private TestStreams() {
  }

  /** A store's answer the test feeds by hand. */
  static final class Feed implements ReadStream<Buffer> {
    private volatile Handler<Buffer> handler;
    private Handler<Void> endHandler;
    private Handler<Throwable> exceptionHandler;

    boolean attached() {
      return handler != null;
    }

    void push(Buffer chunk) {
      handler.handle(chunk);
    }

    void end() {
      endHandler.handle(null);
    }

    void fail(Throwable e) {
      exceptionHandler.handle(e);
    }

    @Override
    public Feed exceptionHandler(Handler<Throwable> handler) {
      exceptionHandler = handler;
      return this;
    }

    @Override
    public Feed handler(Handler<Buffer> handler) {
      this.handler = handler;
      return this;
    }

    @Override
    public Feed pause() {
      return this;
    }

    @Override
    public Feed resume() {
      return this;
    }

    @Override
    public Feed fetch(long amount) {
      return this;
    }

    @Override
    public Feed endHandler(Handler<Void> endHandler) {
      this.endHandler = endHandler;
      return this;
    }
  }

  /** What a reader got, and how it ended. */
  static final class Collected {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final CompletableFuture<byte[]> ended = new CompletableFuture<>();

    synchronized int size() {
      return bytes.size();
    }

    static Collected from(ReadStream<Buffer> stream) {
      Collected c = new Collected();
      stream.exceptionHandler(c.ended::completeExceptionally);
      stream.endHandler(v -> c.ended.complete(c.bytes.toByteArray()));
      stream.handler(chunk -> {
        synchronized (c) {
          c.bytes.writeBytes(chunk.getBytes());
        }
      });
      return c;
    }
  }

  /** Runs {@code action} on {@code context} and waits (at most 10 s) for its result. */
  static <T> T on(io.vertx.core.Context context, java.util.concurrent.Callable<T> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        result.complete(action.call());
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    });
    return result.get(10, java.util.concurrent.TimeUnit.SECONDS);
  }
}
