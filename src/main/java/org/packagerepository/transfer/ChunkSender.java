package org.packagerepository.transfer;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.WriteStream;

import java.util.ArrayDeque;
import java.util.Objects;

/**
 * Write side of a credit-based chunked transfer over the event bus.
 * <p>
 * Created on, and used only from, the current Vert.x context ({@link #create} throws when there is none). Every
 * buffer written is sent, without copying, as one or more {@code Buffer} messages to
 * {@link Transfers#dataAddress(String)}; never more bytes than the receiver granted with credit messages. A buffer
 * larger than the remaining credit is split with {@link Buffer#slice(int, int)} and the rest waits for credit.
 * <p>
 * Zero copy means the receiver sees the bytes of the written buffers: do not modify a buffer after writing it.
 * <p>
 * {@link #setWriteQueueMaxSize(int)} is ignored: the window is decided by the receiver's {@link TransferOptions}.
 * <p>
 * When the transfer fails (receiver cancel/fail, idle timeout, {@link #cancel}), queued writes fail,
 * {@link #writeQueueFull()} becomes {@code false} and a drain handler that was waiting is called, so that a writer
 * parked on back-pressure (e.g. a {@code pipeTo}) wakes up and sees its next write fail.
 */
public final class ChunkSender extends TransferEnd implements WriteStream<Buffer> {

  private static final DeliveryOptions DATA = Transfers.bufferDelivery();

  /** A write (or the rest of one) waiting for credit. */
  private static final class Pending {
    final Buffer buffer;
    int offset;
    final Promise<Void> promise = Promise.promise();

    Pending(Buffer buffer, int offset) {
      this.buffer = buffer;
      this.offset = offset;
    }
  }

  private final String dataAddress;
  private final long outcomeTimeoutMs;
  private final MessageConsumer<JsonObject> controlConsumer;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final Promise<JsonObject> outcome = Promise.promise();

  private Handler<Throwable> exceptionHandler;
  private Handler<Void> drainHandler;

  private long credit;
  private volatile long bytesSent;
  private Promise<Void> endPromise;
  private boolean endSent;
  private boolean closed;
  private Throwable failure;

  private ChunkSender(Vertx vertx, String transferId, TransferOptions options) {
    super(vertx, transferId, options);
    this.dataAddress = Transfers.dataAddress(transferId);
    this.outcomeTimeoutMs = options.getOutcomeTimeoutMs();
    this.controlConsumer = eventBus.localConsumer(Transfers.controlAddress(transferId), this::onControl);
    startIdleTimer(options);
  }

  /**
   * Creates the sender of transfer {@code transferId} and registers its control consumer (synchronously). Must be
   * called on a Vert.x context of {@code vertx}; the sender is bound to that context.
   *
   * @param options only the timeouts are used (the window is the receiver's); {@code null} means defaults
   */
  public static ChunkSender create(Vertx vertx, String transferId, TransferOptions options) {
    return new ChunkSender(vertx, transferId, options != null ? options : new TransferOptions());
  }

  // ---------------------------------------------------------------- WriteStream

  @Override
  public ChunkSender exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  /**
   * Sends {@code data} as far as credit allows and queues the rest. The future completes when the whole buffer has
   * been handed to the event bus, and fails if the transfer fails first.
   */
  @Override
  public Future<Void> write(Buffer data) {
    Objects.requireNonNull(data, "data");
    if (closed) {
      return Future.failedFuture(closedFailure());
    }
    if (endPromise != null) {
      return Future.failedFuture(new IllegalStateException("end() already called"));
    }
    int len = data.length();
    if (len == 0) {
      return Future.succeededFuture();
    }
    int sent = 0;
    if (queue.isEmpty() && credit > 0) {
      if (len <= credit) {
        sendChunk(data, len);
        return Future.succeededFuture();
      }
      sent = (int) credit;
      sendChunk(data.slice(0, sent), sent);
    }
    Pending pending = new Pending(data, sent);   // the rest waits for credit
    queue.add(pending);
    return pending.promise.future();
  }

  /**
   * Sends the end marker once everything queued has been sent; the future completes when the marker is sent. After
   * that, {@link #outcome()} waits for the receiver's outcome (up to the outcome timeout).
   */
  @Override
  public Future<Void> end() {
    if (endPromise != null) {
      return endPromise.future();
    }
    if (closed) {
      return Future.failedFuture(closedFailure());
    }
    endPromise = Promise.promise();
    if (queue.isEmpty()) {
      sendEnd();
    }
    return endPromise.future();
  }

  /** Ignored: the credit window is decided by the receiver. */
  @Override
  public ChunkSender setWriteQueueMaxSize(int maxSize) {
    return this;
  }

  /** {@code true} while the transfer is open and there is no remaining credit or anything is queued. */
  @Override
  public boolean writeQueueFull() {
    return !closed && (credit <= 0 || !queue.isEmpty());
  }

  @Override
  public ChunkSender drainHandler(Handler<Void> handler) {
    this.drainHandler = handler;
    return this;
  }

  // ---------------------------------------------------------------- transfer API

  /**
   * Completed with the JSON object the receiver passes to {@link ChunkReceiver#complete(JsonObject)}; failed with a
   * {@link TransferException} when the receiver fails or cancels, the transfer times out or is cancelled locally.
   */
  public Future<JsonObject> outcome() {
    return outcome.future();
  }

  /**
   * Aborts from the write side: the receiver's exception handler gets {@code TransferException(code, message)};
   * queued writes, {@link #end()} and {@link #outcome()} fail with it. The local exception handler is not called.
   * No-op once the transfer is closed.
   */
  public void cancel(String code, String message) {
    Objects.requireNonNull(code, "code");
    if (closed) {
      return;
    }
    terminate(new TransferException(code, message), false, null, false, Transfers.control("cancel", code, message));
  }

  /** Bytes handed to the event bus so far (may be read from any thread). */
  public long bytesSent() {
    return bytesSent;
  }

  // ---------------------------------------------------------------- internals

  private void sendChunk(Buffer chunk, int len) {
    eventBus.send(dataAddress, chunk, DATA);
    credit -= len;
    bytesSent += len;
    lastActivity = System.nanoTime();
  }

  private void sendControl(JsonObject msg) {
    eventBus.send(dataAddress, msg, Transfers.LOCAL);
    lastActivity = System.nanoTime();
  }

  private void sendEnd() {
    sendControl(Transfers.control("end"));
    endSent = true;
    cancelTimer();
    if (outcomeTimeoutMs > 0) {
      setTimer(outcomeTimeoutMs);
    }
    endPromise.tryComplete();
  }

  /** Sends queued data as far as credit allows, then the end marker if requested and everything was sent. */
  private void flush() {
    while (!closed && credit > 0) {
      Pending head = queue.peek();
      if (head == null) {
        break;
      }
      int length = head.buffer.length();
      int remaining = length - head.offset;
      if (remaining <= credit) {
        queue.poll();
        sendChunk(head.offset == 0 ? head.buffer : head.buffer.slice(head.offset, length), remaining);
        head.promise.tryComplete(); // may re-enter write()/end()/cancel()
      } else {
        int part = (int) credit;
        sendChunk(head.buffer.slice(head.offset, head.offset + part), part);
        head.offset += part;
      }
    }
    if (!closed && !endSent && endPromise != null && queue.isEmpty()) {
      sendEnd();
    }
  }

  private void onControl(Message<JsonObject> msg) {
    if (closed) {
      return;
    }
    JsonObject body = msg.body();
    if (body == null) {
      return;
    }
    lastActivity = System.nanoTime();
    switch (Transfers.type(body)) {
      case "credit": {
        Object bytes = body.getValue("bytes");
        if (bytes instanceof Number && ((Number) bytes).longValue() > 0) {
          onCredit(((Number) bytes).longValue());
        }
        break;
      }
      case "cancel":
        terminate(Transfers.peerException(body, TransferException.CANCELLED), true);
        break;
      case "failed":
        terminate(Transfers.peerException(body, TransferException.FAILED), !endSent);
        break;
      case "outcome": {
        Object result = body.getValue("result");
        // free first, so that whoever reacts to the outcome finds the transfer released
        terminate(new TransferException(TransferException.CLOSED, "transfer completed by the receiver"), false,
          result instanceof JsonObject ? (JsonObject) result : null, true, null);
        break;
      }
      default:
        // unknown control message: ignore
    }
  }

  private void onCredit(long bytes) {
    boolean wasFull = writeQueueFull();
    credit += bytes;
    flush();
    Handler<Void> handler = drainHandler;
    if (wasFull && handler != null && !closed && endPromise == null && !writeQueueFull()) {
      handler.handle(null);
    }
  }

  @Override
  void onTimer(long id) {
    if (id != timerId || closed) {
      return;
    }
    timerId = -1;
    if (endSent) {
      String message = "no outcome within " + outcomeTimeoutMs + " ms after end";
      terminate(new TransferException(TransferException.OUTCOME_TIMEOUT, message), false, null, false,
        Transfers.control("cancel", TransferException.OUTCOME_TIMEOUT, message));
      return;
    }
    checkIdle();
  }

  @Override
  void idle(TransferException err, JsonObject peerMessage) {
    terminate(err, true, null, false, peerMessage);
  }

  private Throwable closedFailure() {
    return failure != null ? failure : new TransferException(TransferException.CLOSED, "transfer is closed");
  }

  private void terminate(TransferException err, boolean notifyExceptionHandler) {
    terminate(err, notifyExceptionHandler, null, false, null);
  }

  /**
   * Ends the transfer. Order matters to observers on other threads: first everything is freed (consumer, timer,
   * queue), then local parties are told (pending writes and end fail with {@code err}; the outcome completes with
   * {@code result} when {@code success}, else fails with {@code err}; then the exception handler if asked, then a
   * drain handler waiting on back-pressure), and only then is {@code peerMessage} (if any) sent to the receiver.
   */
  private void terminate(TransferException err, boolean notifyExceptionHandler, JsonObject result, boolean success,
                         JsonObject peerMessage) {
    if (closed) {
      return;
    }
    boolean wasFull = writeQueueFull();
    closed = true;
    failure = err;
    cancelTimer();
    Transfers.unregisterQuietly(controlConsumer);
    Pending[] pending = queue.toArray(new Pending[0]);
    queue.clear();
    try {
      for (Pending p : pending) {
        p.promise.tryFail(err);
      }
      if (endPromise != null) {
        endPromise.tryFail(err);
      }
      if (success) {
        outcome.tryComplete(result);
      } else {
        outcome.tryFail(err);
      }
      Handler<Throwable> handler = exceptionHandler;
      if (notifyExceptionHandler && handler != null) {
        handler.handle(err);
      }
      Handler<Void> drain = drainHandler;
      if (wasFull && drain != null && endPromise == null) {
        drain.handle(null);
      }
    } finally {
      if (peerMessage != null) {
        sendControl(peerMessage);
      }
    }
  }
}
