package org.packagerepository.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/**
 * Passes an upload's body on until it goes past the size limit; then runs {@code onExceeded} once (which cancels the
 * upload, so that nothing is stored) and refuses every further write.
 */
final class SizeLimitedStream implements WriteStream<Buffer> {

  private final WriteStream<Buffer> target;
  private final long maxBytes;
  private final Runnable onExceeded;
  private long written;
  private boolean exceeded;

  SizeLimitedStream(WriteStream<Buffer> target, long maxBytes, Runnable onExceeded) {
    this.target = target;
    this.maxBytes = maxBytes;
    this.onExceeded = onExceeded;
  }

  boolean exceeded() {
    return exceeded;
  }

  @Override
  public Future<Void> write(Buffer data) {
    if (!exceeded) {
      written += data.length();
      if (written > maxBytes) {
        exceeded = true;
        onExceeded.run();
      }
    }
    return exceeded ? Future.failedFuture("The package is larger than the limit") : target.write(data);
  }

  @Override
  public Future<Void> end() {
    return exceeded ? Future.failedFuture("The package is larger than the limit") : target.end();
  }

  @Override
  public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    target.exceptionHandler(handler);
    return this;
  }

  @Override
  public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
    target.setWriteQueueMaxSize(maxSize);
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return !exceeded && target.writeQueueFull();
  }

  @Override
  public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
    target.drainHandler(handler);
    return this;
  }
}
