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
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A Reactive Streams publisher of byte buffers (an S3 response body) as a Vert.x read stream, so that it pipes into a
 * transfer with Vert.x's back-pressure. A few buffers are asked for ahead of the reader ({@link #AHEAD}, and never
 * while {@link #HELD_BYTES} wait for it), so the SDK reads the next bytes while the context delivers the last ones:
 * asking for one at a time left both threads waiting on each other for every buffer, and a single download ran at a
 * third of the store's speed. What arrives is handed to the context in batches (one task per batch, not per buffer),
 * and what arrived together is delivered together, up to {@link #MERGED_BYTES} a buffer. The SDK buffers nothing
 * beyond what was requested, so memory per download stays within those bounds. Handlers run on {@code context}.
 */
final class PublisherReadStream extends DemandReadStream implements Subscriber<ByteBuffer>, StoreStream {

  /** Buffers requested and not yet delivered, at most. */
  static final int AHEAD = 16;
  /** Bytes arrived and not yet delivered above which nothing more is requested. */
  static final int HELD_BYTES = 128 * 1024;
  /** Bytes that arrived apart and are delivered as one buffer, at most. */
  static final int MERGED_BYTES = 64 * 1024;

  private final Context context;
  /** Filled on the SDK's thread, emptied on the context. */
  private final Queue<byte[]> arrived = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private volatile boolean completed;
  private volatile Throwable failed;

  private final Queue<byte[]> ready = new ArrayDeque<>();
  private long readyBytes;
  private int outstanding;
  private Subscription subscription;
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
      ready.clear();
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
    arrived.add(copy);
    scheduleDrain();
  }

  @Override
  public void onError(Throwable failure) {
    failed = failure;
    scheduleDrain();
  }

  @Override
  public void onComplete() {
    completed = true;
    scheduleDrain();
  }

  private void scheduleDrain() {
    if (drainScheduled.compareAndSet(false, true)) {
      context.runOnContext(v -> {
        drainScheduled.set(false);
        more();
      });
    }
  }

  /**
   * The next buffer to deliver: what has arrived, up to {@link #MERGED_BYTES}, in one. The SDK's buffers are a few KiB
   * each; every buffer costs the transfer and the cache a task, where one of a few dozen KiB costs the same.
   */
  private Buffer nextBuffer() {
    byte[] first = ready.poll();
    readyBytes -= first.length;
    if (ready.isEmpty() || first.length + ready.peek().length > MERGED_BYTES) {
      return Buffer.buffer(first);
    }
    Buffer merged = Buffer.buffer(MERGED_BYTES).appendBytes(first);
    while (!ready.isEmpty() && merged.length() + ready.peek().length <= MERGED_BYTES) {
      byte[] next = ready.poll();
      readyBytes -= next.length;
      merged.appendBytes(next);
    }
    return merged;
  }

  /** Takes what arrived, delivers what the demand allows, then ends, fails or asks for more. */
  @Override
  protected void more() {
    for (byte[] bytes; (bytes = arrived.poll()) != null; ) {
      outstanding--;
      if (!cancelled && !done) {
        ready.add(bytes);
        readyBytes += bytes.length;
      }
    }
    if (cancelled || done) {
      return;
    }
    Throwable failure = failed;
    if (failure != null) {
      done = true;
      ready.clear();
      signalFailure(failure);
      return;
    }
    while (demand > 0 && handler != null && !ready.isEmpty() && !cancelled) {
      spend();
      handler.handle(nextBuffer());
    }
    if (cancelled || done) {
      return;
    }
    if (completed && ready.isEmpty() && arrived.isEmpty()) {
      done = true;
      signalEnd();
      return;
    }
    if (subscription != null && !completed && handler != null && readyBytes < HELD_BYTES
      && outstanding + ready.size() < AHEAD) {
      int asked = AHEAD - outstanding - ready.size();
      outstanding += asked;
      subscription.request(asked);
    }
  }
}
