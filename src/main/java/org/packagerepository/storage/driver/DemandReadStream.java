package org.packagerepository.storage.driver;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A read stream that makes its buffers itself, one at a time as the reader asks for them: it keeps the reader's
 * handlers and demand (none while paused, unbounded once resumed, counted down by {@link #spend()}), and calls
 * {@link #more()} whenever a handler is set or the demand grows. Used from one context.
 */
public abstract class DemandReadStream implements ReadStream<Buffer> {

  protected Handler<Buffer> handler;
  protected Handler<Void> endHandler;
  protected Handler<Throwable> exceptionHandler;
  protected long demand = Long.MAX_VALUE;

  /** Delivers what the demand allows, or starts making the next buffer. */
  protected abstract void more();

  /** Tells the end handler, if there is one, that the stream is over. */
  protected final void signalEnd() {
    Handler<Void> h = endHandler;
    if (h != null) {
      h.handle(null);
    }
  }

  /** Tells the exception handler, if there is one, that the stream failed. */
  protected final void signalFailure(Throwable cause) {
    Handler<Throwable> h = exceptionHandler;
    if (h != null) {
      h.handle(cause);
    }
  }

  /** Counts one delivered buffer against the demand. */
  protected final void spend() {
    if (demand != Long.MAX_VALUE) {
      demand--;
    }
  }

  @Override
  public DemandReadStream handler(Handler<Buffer> handler) {
    this.handler = handler;
    more();
    return this;
  }

  @Override
  public DemandReadStream endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    return this;
  }

  @Override
  public DemandReadStream exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  @Override
  public DemandReadStream pause() {
    demand = 0;
    return this;
  }

  @Override
  public DemandReadStream resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public DemandReadStream fetch(long amount) {
    long more = demand + amount;
    demand = more < 0 ? Long.MAX_VALUE : more;
    more();
    return this;
  }
}
