package org.packagerepository.storage.cache;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import org.packagerepository.storage.driver.ForwardingReadStream;

import java.util.function.LongConsumer;

/** A read stream that reports the size of each buffer it passes on. */
final class CountingReadStream extends ForwardingReadStream {

  private final LongConsumer counter;

  CountingReadStream(ReadStream<Buffer> source, LongConsumer counter) {
    super(source);
    this.counter = counter;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    source.handler(handler == null ? null : buffer -> {
      counter.accept(buffer.length());
      handler.handle(buffer);
    });
    return this;
  }
}
