package org.packagerepository.transfer;

import io.vertx.core.Context;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** Helpers shared by the transfer tests. */
final class TransferTestSupport {

  private TransferTestSupport() {
  }

  /** A fresh event-loop context, from its own deployment (deployments get event loops round-robin). */
  static Future<Context> newContext(Vertx vertx) {
    AtomicReference<Context> ref = new AtomicReference<>();
    Deployable deployable = ctx -> {
      ref.set(ctx);
      return Future.succeededFuture();
    };
    return vertx.deployVerticle(deployable).map(id -> ref.get());
  }

  /** Runs {@code action} on {@code ctx}. */
  static <T> Future<T> on(Context ctx, Callable<T> action) {
    Promise<T> promise = Promise.promise();
    ctx.runOnContext(v -> {
      try {
        promise.complete(action.call());
      } catch (Throwable t) {
        promise.fail(t);
      }
    });
    return promise.future();
  }

  /** Completes once {@code condition} holds, checked on {@code ctx} every 2 ms (for states that raise no event). */
  static Future<Void> until(Context ctx, BooleanSupplier condition) {
    Promise<Void> promise = Promise.promise();
    ctx.runOnContext(v -> {
      if (condition.getAsBoolean()) {
        promise.complete();
        return;
      }
      Vertx vertx = ctx.owner();
      vertx.setPeriodic(2, id -> {
        if (condition.getAsBoolean()) {
          vertx.cancelTimer(id);
          promise.tryComplete();
        }
      });
    });
    return promise.future();
  }

  /** Completes when a request to {@code address} fails with NO_HANDLERS. */
  static Future<Void> expectNoHandlers(Vertx vertx, String address) {
    return vertx.eventBus().request(address, "ping").transform(ar -> {
      if (ar.succeeded()) {
        return Future.failedFuture(new AssertionError("a handler still answers on " + address));
      }
      if (!(ar.cause() instanceof ReplyException)
        || ((ReplyException) ar.cause()).failureType() != ReplyFailure.NO_HANDLERS) {
        return Future.failedFuture(new AssertionError("expected NO_HANDLERS on " + address + ", got " + ar.cause()));
      }
      return Future.succeededFuture();
    });
  }

  /** Both consumers of transfer {@code id} are gone. */
  static Future<Void> expectFreed(Vertx vertx, String id) {
    return Future.all(expectNoHandlers(vertx, Transfers.dataAddress(id)),
      expectNoHandlers(vertx, Transfers.controlAddress(id))).mapEmpty();
  }

  static TransferException assertTransferException(Throwable t, String code) {
    TransferException te = assertInstanceOf(TransferException.class, t, () -> "unexpected failure " + t);
    assertEquals(code, te.code(), () -> "code of " + te);
    return te;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static String hex(MessageDigest digest) {
    return HexFormat.of().formatHex(digest.digest());
  }

  static Set<Buffer> identitySet() {
    return Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
  }

  static Buffer randomBuffer(Random random, int size) {
    byte[] bytes = new byte[size];
    random.nextBytes(bytes);
    return Buffer.buffer(bytes);
  }

  /**
   * A ReadStream of random buffers of the given sizes, bound to one context, honouring pause/resume/fetch. Records
   * the SHA-256 of what it emitted, the emitted instances (optional) and its pauses.
   */
  static final class BufferSource implements ReadStream<Buffer> {

    private final Context context;
    private final int[] sizes;
    private final Random random;
    private final MessageDigest digest = sha256();
    private final Set<Buffer> emitted;
    private Handler<Buffer> handler;
    private Handler<Void> endHandler;
    private long demand = Long.MAX_VALUE;
    private int index;
    private boolean emitting;
    private boolean scheduled;
    private boolean ended;
    volatile boolean paused;
    volatile int pauseCalls;
    volatile long bytesEmitted;

    BufferSource(Context context, int[] sizes, long seed, Set<Buffer> emitted) {
      this.context = context;
      this.sizes = sizes;
      this.random = new Random(seed);
      this.emitted = emitted;
    }

    private String hex;

    /** Hex SHA-256 of everything so far; finishes the digest, so call it once all data went through. */
    String sha256Hex() {
      if (hex == null) {
        hex = hex(digest);
      }
      return hex;
    }

    @Override
    public BufferSource exceptionHandler(Handler<Throwable> handler) {
      return this;
    }

    @Override
    public BufferSource handler(Handler<Buffer> handler) {
      this.handler = handler;
      if (handler != null) {
        schedule();
      }
      return this;
    }

    @Override
    public BufferSource pause() {
      demand = 0;
      paused = true;
      pauseCalls++;
      return this;
    }

    @Override
    public BufferSource resume() {
      return fetch(Long.MAX_VALUE);
    }

    @Override
    public BufferSource fetch(long amount) {
      long d = demand + amount;
      demand = d < 0 ? Long.MAX_VALUE : d;
      paused = demand == 0;
      schedule();
      return this;
    }

    @Override
    public BufferSource endHandler(Handler<Void> endHandler) {
      this.endHandler = endHandler;
      return this;
    }

    private void schedule() {
      if (!scheduled && !emitting) {
        scheduled = true;
        context.runOnContext(v -> {
          scheduled = false;
          emit();
        });
      }
    }

    private void emit() {
      emitting = true;
      try {
        while (demand > 0 && handler != null && index < sizes.length) {
          byte[] bytes = new byte[sizes[index++]];
          random.nextBytes(bytes);
          digest.update(bytes);
          Buffer buffer = Buffer.buffer(bytes);
          if (emitted != null) {
            emitted.add(buffer);
          }
          bytesEmitted += bytes.length;
          if (demand != Long.MAX_VALUE) {
            demand--;
          }
          handler.handle(buffer);
        }
      } finally {
        emitting = false;
      }
      if (index == sizes.length && !ended && demand > 0) {
        ended = true;
        if (endHandler != null) {
          endHandler.handle(null);
        }
      }
    }
  }

  /**
   * A WriteStream that hashes what it gets and counts chunks that are the very instances in {@code sent} (removing
   * them from it).
   */
  static final class DigestSink implements WriteStream<Buffer> {

    private final MessageDigest digest = sha256();
    private final Set<Buffer> sent;
    long bytes;
    int chunks;
    int sameInstance;
    int largestChunk;
    Thread thread;
    boolean ended;

    DigestSink(Set<Buffer> sent) {
      this.sent = sent;
    }

    private String hex;

    /** Hex SHA-256 of everything so far; finishes the digest, so call it once all data went through. */
    String sha256Hex() {
      if (hex == null) {
        hex = hex(digest);
      }
      return hex;
    }

    @Override
    public DigestSink exceptionHandler(Handler<Throwable> handler) {
      return this;
    }

    @Override
    public Future<Void> write(Buffer data) {
      thread = Thread.currentThread();
      digest.update(data.getBytes());
      bytes += data.length();
      chunks++;
      largestChunk = Math.max(largestChunk, data.length());
      if (sent != null && sent.remove(data)) {
        sameInstance++;
      }
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> end() {
      ended = true;
      return Future.succeededFuture();
    }

    @Override
    public DigestSink setWriteQueueMaxSize(int maxSize) {
      return this;
    }

    @Override
    public boolean writeQueueFull() {
      return false;
    }

    @Override
    public DigestSink drainHandler(Handler<Void> handler) {
      return this;
    }
  }

  /** {@code count} sizes of {@code size} bytes. */
  static int[] repeat(int count, int size) {
    int[] sizes = new int[count];
    java.util.Arrays.fill(sizes, size);
    return sizes;
  }

  static long sum(int[] sizes) {
    long total = 0;
    for (int s : sizes) {
      total += s;
    }
    return total;
  }
}
