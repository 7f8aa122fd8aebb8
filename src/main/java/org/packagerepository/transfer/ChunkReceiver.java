package org.packagerepository.transfer;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;

import java.util.ArrayDeque;
import java.util.Objects;

/**
 * Read side of a credit-based chunked transfer over the event bus.
 * <p>
 * Created on, and used only from, the current Vert.x context ({@link #create} throws when there is none). Listens on
 * {@link Transfers#dataAddress(String)} for {@code Buffer} chunks and {@code JsonObject} control messages. Grants no
 * credit until a handler is set or {@link #resume()}/{@link #fetch(long)} is first called; then grants
 * {@code windowBytes} and tops the window up whenever at least a quarter of it has been delivered, so that queued plus
 * in-flight bytes never exceed the window. The event-bus consumer itself is never paused: chunks arriving while this
 * stream is paused are queued here (bounded by the window).
 * <p>
 * As in Vert.x's own streams, queued items (and a pending end) are delivered asynchronously after
 * {@code handler}/{@code resume}/{@code fetch}, so handlers can be set in any order in the same event.
 * The end handler is called once the end marker has arrived and everything queued has been delivered (and the stream
 * is not paused).
 */
public final class ChunkReceiver extends TransferEnd implements ReadStream<Buffer> {

  private final String controlAddress;
  private final int windowBytes;
  private final int grantThreshold;
  private final MessageConsumer<Object> consumer;
  private final ArrayDeque<Buffer> queue = new ArrayDeque<>();
  private final Handler<Void> drainTask = v -> {
    drainScheduled = false;
    drain();
  };

  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;

  private long demand = Long.MAX_VALUE;
  private boolean started;
  private boolean draining;
  private boolean drainScheduled;
  private boolean ended;
  private boolean endDelivered;
  private boolean closed;
  private long granted;
  private long delivered;
  private volatile long received;

  private ChunkReceiver(Vertx vertx, String transferId, TransferOptions options) {
    super(vertx, transferId, options);
    this.controlAddress = Transfers.controlAddress(transferId);
    this.windowBytes = options.getWindowBytes();
    this.grantThreshold = Math.max(1, windowBytes / 4);
    this.consumer = eventBus.localConsumer(Transfers.dataAddress(transferId), this::onMessage);
    startIdleTimer(options);
  }

  /**
   * Creates the receiver of transfer {@code transferId} and registers its data consumer (synchronously). Must be
   * called on a Vert.x context of {@code vertx}; the receiver is bound to that context.
   *
   * @param options window and idle timeout; {@code null} means defaults
   */
  public static ChunkReceiver create(Vertx vertx, String transferId, TransferOptions options) {
    return new ChunkReceiver(vertx, transferId, options != null ? options : new TransferOptions());
  }

  // ---------------------------------------------------------------- ReadStream

  @Override
  public ChunkReceiver exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  @Override
  public ChunkReceiver handler(Handler<Buffer> handler) {
    this.handler = handler;
    if (handler != null) {
      start();
    }
    return this;
  }

  @Override
  public ChunkReceiver pause() {
    demand = 0L;
    return this;
  }

  @Override
  public ChunkReceiver resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public ChunkReceiver fetch(long amount) {
    if (amount < 0L) {
      throw new IllegalArgumentException("amount must be >= 0: " + amount);
    }
    long d = demand + amount;
    demand = d < 0L ? Long.MAX_VALUE : d;
    start();
    return this;
  }

  @Override
  public ChunkReceiver endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    return this;
  }

  // ---------------------------------------------------------------- transfer API

  /**
   * After the end marker: sends {@code outcome} to the sender (its {@link ChunkSender#outcome()} completes with it)
   * and frees everything. No-op once the transfer is closed.
   *
   * @throws IllegalStateException if the sender's end marker has not arrived yet (use {@link #fail} instead)
   */
  public void complete(JsonObject outcome) {
    if (closed) {
      return;
    }
    if (!ended) {
      throw new IllegalStateException("complete() before the end of the stream; use fail()");
    }
    free();
    eventBus.send(controlAddress, new JsonObject().put("type", "outcome").put("result", outcome), Transfers.LOCAL);
  }

  /**
   * At any time: tells the sender (its outcome and pending writes fail with {@code TransferException(code, message)},
   * its exception handler fires if it is still writing) and frees everything. The local exception handler is not
   * called. No-op once the transfer is closed.
   */
  public void fail(String code, String message) {
    Objects.requireNonNull(code, "code");
    if (closed) {
      return;
    }
    free();
    eventBus.send(controlAddress, Transfers.control("failed", code, message), Transfers.LOCAL);
  }

  /** Bytes received from the sender so far, delivered or queued (may be read from any thread). */
  public long bytesReceived() {
    return received;
  }

  // ---------------------------------------------------------------- internals

  private void start() {
    if (closed) {
      return;
    }
    if (!started) {
      started = true;
      maybeGrant();
    }
    scheduleDrain();
  }

  private void scheduleDrain() {
    if (!draining && !drainScheduled && demand > 0L && (!queue.isEmpty() || (ended && !endDelivered))) {
      drainScheduled = true;
      context.runOnContext(drainTask);
    }
  }

  private void onMessage(Message<Object> msg) {
    if (closed) {
      return;
    }
    Object body = msg.body();
    if (body instanceof Buffer) {
      onData((Buffer) body);
    } else if (body instanceof JsonObject) {
      onControl((JsonObject) body);
    }
  }

  private void onData(Buffer chunk) {
    if (ended) {
      return; // data after the end marker: protocol violation, ignore
    }
    lastActivity = System.nanoTime();
    long total = received + chunk.length();
    received = total;
    if (total > granted) {
      String message = "sender exceeded the granted credit (" + total + " > " + granted + ")";
      failLocally(new TransferException(TransferException.CREDIT_EXCEEDED, message),
        Transfers.control("failed", TransferException.CREDIT_EXCEEDED, message));
      return;
    }
    queue.add(chunk);
    drain();
  }

  private void onControl(JsonObject body) {
    lastActivity = System.nanoTime();
    switch (Transfers.type(body)) {
      case "end":
        if (!ended) {
          ended = true;
          cancelTimer();
          drain();
        }
        break;
      case "cancel":
        TransferException err = Transfers.peerException(body, TransferException.CANCELLED);
        if (endDelivered) {
          free(); // the stream is over for the reader: just release
        } else {
          failLocally(err, null);
        }
        break;
      default:
        // unknown control message: ignore
    }
  }

  private void drain() {
    if (draining || !started) {
      return;
    }
    draining = true;
    try {
      while (!closed && demand > 0L) {
        Buffer chunk = queue.poll();
        if (chunk != null) {
          if (demand != Long.MAX_VALUE) {
            demand--;
          }
          delivered += chunk.length();
          Handler<Buffer> h = handler;
          if (h != null) {
            h.handle(chunk);
          }
        } else {
          if (ended && !endDelivered) {
            endDelivered = true;
            Handler<Void> h = endHandler;
            if (h != null) {
              h.handle(null);
            }
          }
          break;
        }
      }
    } finally {
      draining = false;
    }
    maybeGrant();
  }

  /** Tops the window up when at least a quarter of it is free: queued + in flight never exceeds the window. */
  private void maybeGrant() {
    if (closed || ended || !started) {
      return;
    }
    long available = delivered + windowBytes - granted;
    if (available >= grantThreshold) {
      granted += available;
      lastActivity = System.nanoTime();
      eventBus.send(controlAddress, new JsonObject().put("type", "credit").put("bytes", available), Transfers.LOCAL);
    }
  }

  @Override
  void onTimer(long id) {
    if (id != timerId || closed || ended) {
      return;
    }
    timerId = -1;
    checkIdle();
  }

  @Override
  void idle(TransferException err, JsonObject peerMessage) {
    failLocally(err, peerMessage);
  }

  /** Frees everything, then calls the exception handler, then (if any) sends {@code peerMessage} to the sender. */
  private void failLocally(TransferException err, JsonObject peerMessage) {
    free();
    try {
      Handler<Throwable> h = exceptionHandler;
      if (h != null) {
        h.handle(err);
      }
    } finally {
      if (peerMessage != null) {
        eventBus.send(controlAddress, peerMessage, Transfers.LOCAL);
      }
    }
  }

  /** Unregisters the consumer, cancels the timer, drops the queue; late messages are ignored. */
  private void free() {
    if (closed) {
      return;
    }
    closed = true;
    cancelTimer();
    Transfers.unregisterQuietly(consumer);
    queue.clear();
  }
}
