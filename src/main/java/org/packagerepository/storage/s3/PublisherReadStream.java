package org.packagerepository.storage.s3;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.packagerepository.storage.driver.StoreStream;
import org.reactivestreams.Subscription;

import java.nio.ByteBuffer;

/**
 * A Reactive Streams publisher of byte buffers (an S3 response body) as a Vert.x read stream, so that it pipes into a
 * transfer with Vert.x's back-pressure: one buffer is requested at a time, and only while the stream is not paused.
 * The SDK buffers nothing beyond what was requested, so the transfer's credit window bounds the memory of a download.
 * Handlers run on {@code context}.
 */
final class PublisherReadStream implements ReadStream<Buffer>, Subscriber<ByteBuffer>, StoreStream {

  private final Context context;
  private Subscription subscription;
  private boolean requested;
  private long demand = Long.MAX_VALUE;
  private boolean done;
  private boolean cancelled;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;

  private PublisherReadStream(Context context) {
    this.context = context;
  }

  /** Subscribes to {@code publisher}; delivery starts once a handler is set and the stream is not paused. */
  static PublisherReadStream of(Context context, Publisher<ByteBuffer> publisher) {
    PublisherReadStream stream = new PublisherReadStream(context);
    publisher.subscribe(stream);
    return stream;
  }

  /** Stops the download; nothing more is delivered. */
  @Override
  public void cancel() {
    context.runOnContext(v -> {
      cancelled = true;
      if (subscription != null) {
        subscription.cancel();
      }
    });
  }

  @Override
  public void onSubscribe(Subscription s) {
    context.runOnContext(v -> {
      if (cancelled) {
        s.cancel();
        return;
      }
      subscription = s;
      requestMore();
    });
  }

  @Override
  public void onNext(ByteBuffer bytes) {
    // The SDK may reuse its buffer after onNext returns: copy it here, on its thread.
    byte[] copy = new byte[bytes.remaining()];
    bytes.get(copy);
    context.runOnContext(v -> {
      requested = false;
      if (cancelled || done) {
        return;
      }
      if (demand != Long.MAX_VALUE) {
        demand--;
      }
      Handler<Buffer> h = handler;
      if (h != null) {
        h.handle(Buffer.buffer(copy));
      }
      requestMore();
    });
  }

  @Override
  public void onError(Throwable failure) {
    context.runOnContext(v -> {
      if (done || cancelled) {
        return;
      }
      done = true;
      Handler<Throwable> h = exceptionHandler;
      if (h != null) {
        h.handle(failure);
      }
    });
  }

  @Override
  public void onComplete() {
    context.runOnContext(v -> {
      if (done || cancelled) {
        return;
      }
      done = true;
      Handler<Void> h = endHandler;
      if (h != null) {
        h.handle(null);
      }
    });
  }

  private void requestMore() {
    if (subscription != null && !requested && !done && !cancelled && demand > 0 && handler != null) {
      requested = true;
      subscription.request(1);
    }
  }

  @Override
  public PublisherReadStream exceptionHandler(Handler<Throwable> handler) {
    exceptionHandler = handler;
    return this;
  }

  @Override
  public PublisherReadStream handler(Handler<Buffer> handler) {
    this.handler = handler;
    requestMore();
    return this;
  }

  @Override
  public PublisherReadStream pause() {
    demand = 0;
    return this;
  }

  @Override
  public PublisherReadStream resume() {
    demand = Long.MAX_VALUE;
    requestMore();
    return this;
  }

  @Override
  public PublisherReadStream fetch(long amount) {
    if (amount > 0 && demand != Long.MAX_VALUE) {
      demand = Long.MAX_VALUE - demand > amount ? demand + amount : Long.MAX_VALUE;
    }
    requestMore();
    return this;
  }

  @Override
  public PublisherReadStream endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    return this;
  }
}
