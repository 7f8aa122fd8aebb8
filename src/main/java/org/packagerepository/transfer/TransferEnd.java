package org.packagerepository.transfer;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * What the two ends of a transfer share: the transfer's id, the context an end is bound to, and the timer that gives
 * up on a transfer idle for longer than the idle timeout.
 */
abstract class TransferEnd {

  final Vertx vertx;
  final Context context;
  final EventBus eventBus;
  final String transferId;
  final long idleTimeoutNanos;
  private final Handler<Long> timerHandler = this::onTimer;
  long lastActivity;
  long timerId = -1;

  /** Must be called on a Vert.x context of {@code vertx}; registers the transfer codecs. */
  TransferEnd(Vertx vertx, String transferId, TransferOptions options) {
    Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(transferId, "transferId");
    this.context = Transfers.requireContext(vertx);
    Transfers.registerCodecs(vertx);
    this.vertx = vertx;
    this.eventBus = vertx.eventBus();
    this.transferId = transferId;
    this.idleTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(options.getIdleTimeoutMs());
    this.lastActivity = System.nanoTime();
  }

  public String transferId() {
    return transferId;
  }

  /** Called when the timer set with {@link #setTimer} fires. */
  abstract void onTimer(long id);

  /** Gives the transfer up: it has been idle for the idle timeout; {@code peerMessage} tells the other end. */
  abstract void idle(TransferException err, JsonObject peerMessage);

  void setTimer(long delayMs) {
    timerId = vertx.setTimer(delayMs, timerHandler);
  }

  /** Arms the idle timer, unless the idle timeout is 0 (none). */
  void startIdleTimer(TransferOptions options) {
    if (idleTimeoutNanos > 0) {
      setTimer(options.getIdleTimeoutMs());
    }
  }

  /** Gives up if nothing happened for the idle timeout, else sets the timer for the rest of it. */
  void checkIdle() {
    long idle = System.nanoTime() - lastActivity;
    if (idle >= idleTimeoutNanos) {
      String message = "no activity for " + TimeUnit.NANOSECONDS.toMillis(idleTimeoutNanos) + " ms";
      idle(new TransferException(TransferException.IDLE_TIMEOUT, message),
        Transfers.control("cancel", TransferException.IDLE_TIMEOUT, message));
    } else {
      setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(idleTimeoutNanos - idle) + 1));
    }
  }

  void cancelTimer() {
    if (timerId != -1) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
  }
}
