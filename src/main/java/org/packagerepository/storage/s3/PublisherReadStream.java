package org.packagerepository.storage.s3;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.packagerepository.storage.driver.DemandReadStream;
import org.packagerepository.storage.driver.StoreStream;
import org.reactivestreams.Subscription;

import java.nio.ByteBuffer;

/**
 * A Reactive Streams publisher of byte buffers (an S3 response body) as a Vert.x read stream, so that it pipes into a
 * transfer with Vert.x's back-pressure: one buffer is requested at a time, and only while the stream is not paused.
 * The SDK buffers nothing beyond what was requested, so the transfer's credit window bounds the memory of a download.
 * Handlers run on {@code context}.
 */
final class PublisherReadStream extends DemandReadStream implements Subscriber<ByteBuffer>, StoreStream {

  private final Context context;
  private Subscription subscription;
  private boolean requested;
  private boolean done;
  private boolean cancelled;

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
      more();
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
      spend();
      Handler<Buffer> h = handler;
      if (h != null) {
        h.handle(Buffer.buffer(copy));
      }
      more();
    });
  }

  @Override
  public void onError(Throwable failure) {
    over(() -> signalFailure(failure));
  }

  @Override
  public void onComplete() {
    over(this::signalEnd);
  }

  /** The first end or failure, unless cancelled, is told on the context. */
  private void over(Runnable signal) {
    context.runOnContext(v -> {
      if (done || cancelled) {
        return;
      }
      done = true;
      signal.run();
    });
  }

  @Override
  protected void more() {
    if (subscription != null && !requested && !done && !cancelled && demand > 0 && handler != null) {
      requested = true;
      subscription.request(1);
    }
  }
}
