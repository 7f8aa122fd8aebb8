package org.packagerepository.storage.cache;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import org.packagerepository.storage.driver.StoreStream;

import java.util.function.LongConsumer;

/** A read stream that reports the size of each buffer it passes on. */
final class CountingReadStream implements StoreStream {

  private final ReadStream<Buffer> source;
  private final LongConsumer counter;

  CountingReadStream(ReadStream<Buffer> source, LongConsumer counter) {
    this.source = source;
    this.counter = counter;
  }

  @Override
  public void cancel() {
    if (source instanceof StoreStream cancellable) {
      cancellable.cancel();
    }
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    source.exceptionHandler(handler);
    return this;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    source.handler(handler == null ? null : buffer -> {
      counter.accept(buffer.length());
      handler.handle(buffer);
    });
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

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
    source.endHandler(endHandler);
    return this;
  }
}
