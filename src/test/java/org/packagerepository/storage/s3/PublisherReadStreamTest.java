package org.packagerepository.storage.s3;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The S3 body as a read stream: buffers asked for ahead of the reader (never more than {@code AHEAD}, nor while the
 * bytes held for a paused reader reach {@code HELD_BYTES}), delivered in order, merged when they arrived together, with
 * the end only after the last byte and a failure told at once. The publisher answers on a thread of its own, as the
 * SDK's Netty threads do.
 */
class PublisherReadStreamTest {

  private static final int CHUNK = 8 * 1024;

  private Vertx vertx;
  private Context context;
  private ExecutorService sdkThread;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    sdkThread = Executors.newSingleThreadExecutor();
  }

  @AfterEach
  void stop() throws Exception {
    sdkThread.shutdownNow();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void asksAheadOfTheReaderAndDeliversEveryByteInOrderThenTheEnd() throws Exception {
    byte[] body = bytes(1000 * CHUNK + 123);
    Source source = new Source(body, null);
    CompletableFuture<byte[]> received = new CompletableFuture<>();
    List<Integer> sizes = new ArrayList<>();
    context.runOnContext(v -> {
      Buffer all = Buffer.buffer();
      PublisherReadStream stream = PublisherReadStream.of(context, source);
      stream.endHandler(end -> received.complete(all.getBytes()));
      stream.exceptionHandler(received::completeExceptionally);
      stream.handler(b -> {
        sizes.add(b.length());
        all.appendBuffer(b);
      });
    });
    assertArrayEquals(body, received.get(30, TimeUnit.SECONDS));
    assertTrue(source.mostOutstanding > 1, "buffers are asked for ahead of the reader, not one at a time: at most "
      + source.mostOutstanding + " outstanding");
    assertTrue(source.mostOutstanding <= PublisherReadStream.AHEAD, source.mostOutstanding + " outstanding");
    assertTrue(sizes.stream().allMatch(size -> size <= PublisherReadStream.MERGED_BYTES), "merged up to the limit");
  }

  @Test
  void aPausedReaderGetsNothingAndHoldsABoundedAmount() throws Exception {
    byte[] body = bytes(1000 * CHUNK);
    Source source = new Source(body, null);
    AtomicLong delivered = new AtomicLong();
    CompletableFuture<PublisherReadStream> paused = new CompletableFuture<>();
    context.runOnContext(v -> {
      PublisherReadStream stream = PublisherReadStream.of(context, source);
      stream.pause();
      stream.handler(b -> delivered.addAndGet(b.length()));
      paused.complete(stream);
    });
    PublisherReadStream stream = paused.get(10, TimeUnit.SECONDS);
    // What was asked for arrives; once the stream has taken it (a trip through its context) and any request it then
    // made has reached the source (a trip through the source's thread), nothing more has been asked for.
    source.sent(PublisherReadStream.AHEAD).get(10, TimeUnit.SECONDS);
    CompletableFuture<Void> taken = new CompletableFuture<>();
    context.runOnContext(v -> taken.complete(null));
    taken.get(10, TimeUnit.SECONDS);
    sdkThread.submit(() -> { }).get(10, TimeUnit.SECONDS);
    assertEquals(0, delivered.get(), "nothing is delivered to a paused reader");
    assertEquals(PublisherReadStream.AHEAD, source.totalRequested, "buffers asked for while the reader is paused");
    CompletableFuture<Void> ended = new CompletableFuture<>();
    context.runOnContext(v -> {
      stream.endHandler(end -> ended.complete(null));
      stream.resume();
    });
    ended.get(30, TimeUnit.SECONDS);
    assertEquals(body.length, delivered.get());
  }

  @Test
  void aFailureInTheMiddleIsToldAndNoEnd() throws Exception {
    byte[] body = bytes(100 * CHUNK);
    Source source = new Source(body, new IllegalStateException("connection reset"));
    CompletableFuture<Throwable> failed = new CompletableFuture<>();
    context.runOnContext(v -> {
      PublisherReadStream stream = PublisherReadStream.of(context, source);
      stream.endHandler(end -> failed.complete(null));
      stream.exceptionHandler(failed::complete);
      stream.handler(b -> { });
    });
    Throwable cause = failed.get(30, TimeUnit.SECONDS);
    assertTrue(cause != null && cause.getMessage().equals("connection reset"), "failed, not ended: " + cause);
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    new java.util.Random(n).nextBytes(b);
    return b;
  }

  /**
   * {@code body} in chunks of {@link #CHUNK}, each sent on the SDK's thread once asked for, then the end (or
   * {@code failure} half-way). Records the most chunks asked for and not yet sent, and all asked for. Confined to the
   * SDK's thread but for the volatile figures.
   */
  private final class Source implements Publisher<ByteBuffer> {

    private final byte[] body;
    private final Throwable failure;
    private int position;
    private long requested;
    private volatile long totalRequested;
    private volatile long mostOutstanding;
    private long totalSent;
    private final List<long[]> waiting = new ArrayList<>();
    private final List<CompletableFuture<Void>> waiters = new ArrayList<>();

    Source(byte[] body, Throwable failure) {
      this.body = body;
      this.failure = failure;
    }

    @Override
    public void subscribe(Subscriber<? super ByteBuffer> subscriber) {
      sdkThread.execute(() -> subscriber.onSubscribe(new Subscription() {
        @Override
        public void request(long n) {
          sdkThread.execute(() -> {
            requested += n;
            totalRequested += n;
            mostOutstanding = Math.max(mostOutstanding, requested);
            send(subscriber);
          });
        }

        @Override
        public void cancel() {
        }
      }));
    }

    private void send(Subscriber<? super ByteBuffer> subscriber) {
      while (requested > 0 && position < body.length) {
        if (failure != null && position >= body.length / 2) {
          position = body.length;
          subscriber.onError(failure);
          return;
        }
        int n = Math.min(CHUNK, body.length - position);
        requested--;
        subscriber.onNext(ByteBuffer.wrap(body, position, n));
        position += n;
        totalSent++;
        for (int i = waiting.size() - 1; i >= 0; i--) {
          if (totalSent >= waiting.get(i)[0]) {
            waiting.remove(i);
            waiters.remove(i).complete(null);
          }
        }
      }
      if (position == body.length && failure == null) {
        subscriber.onComplete();
        position++;
      }
    }

    /** Completes once {@code n} chunks have been sent. */
    CompletableFuture<Void> sent(long n) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      sdkThread.execute(() -> {
        if (totalSent >= n) {
          done.complete(null);
        } else {
          waiting.add(new long[] {n});
          waiters.add(done);
        }
      });
      return done;
    }
  }
}
