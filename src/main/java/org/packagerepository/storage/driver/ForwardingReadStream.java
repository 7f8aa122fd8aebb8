package org.packagerepository.storage.driver;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A read stream that passes every call on to {@code source}; a subclass overrides what it adds to (and may move on to
 * another source). Cancelling cancels the source when that is a {@link StoreStream}.
 */
public abstract class ForwardingReadStream implements StoreStream {

  protected ReadStream<Buffer> source;

  protected ForwardingReadStream(ReadStream<Buffer> source) {
    this.source = source;
  }

  @Override
  public void cancel() {
    if (source instanceof StoreStream cancellable) {
      cancellable.cancel();
    }
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    source.handler(handler);
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
    source.endHandler(endHandler);
    return this;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    source.exceptionHandler(handler);
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    source.pause();
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    source.resume();
    return this;
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    source.fetch(amount);
    return this;
  }
}
