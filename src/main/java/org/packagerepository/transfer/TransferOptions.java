package org.packagerepository.transfer;

import io.vertx.core.json.JsonObject;

/**
 * Options of a chunked transfer ({@link ChunkSender} / {@link ChunkReceiver}).
 * <p>
 * JSON form: {@code {"windowBytes": int, "idleTimeoutMs": long, "outcomeTimeoutMs": long}}; missing keys keep their
 * defaults.
 */
public class TransferOptions {

  /**
   * Default credit window: at most this many bytes are queued at or in flight to a receiver. Small enough for 200
   * concurrent transfers to fit a 64 MB heap; measured to cost no throughput against 1 MiB with 64 KiB chunks.
   */
  public static final int DEFAULT_WINDOW_BYTES = 256 * 1024;
  /** Default idle timeout of an open transfer, in milliseconds. */
  public static final long DEFAULT_IDLE_TIMEOUT_MS = 120_000;
  /** Default time a sender waits for the receiver's outcome after its end marker, in milliseconds. */
  public static final long DEFAULT_OUTCOME_TIMEOUT_MS = 600_000;

  private int windowBytes;
  private long idleTimeoutMs;
  private long outcomeTimeoutMs;

  public TransferOptions() {
    windowBytes = DEFAULT_WINDOW_BYTES;
    idleTimeoutMs = DEFAULT_IDLE_TIMEOUT_MS;
    outcomeTimeoutMs = DEFAULT_OUTCOME_TIMEOUT_MS;
  }

  public TransferOptions(TransferOptions other) {
    windowBytes = other.windowBytes;
    idleTimeoutMs = other.idleTimeoutMs;
    outcomeTimeoutMs = other.outcomeTimeoutMs;
  }

  public TransferOptions(JsonObject json) {
    this();
    if (json != null) {
      Number n;
      if ((n = json.getNumber("windowBytes")) != null) {
        setWindowBytes(n.intValue());
      }
      if ((n = json.getNumber("idleTimeoutMs")) != null) {
        setIdleTimeoutMs(n.longValue());
      }
      if ((n = json.getNumber("outcomeTimeoutMs")) != null) {
        setOutcomeTimeoutMs(n.longValue());
      }
    }
  }

  public JsonObject toJson() {
    return new JsonObject()
      .put("windowBytes", windowBytes)
      .put("idleTimeoutMs", idleTimeoutMs)
      .put("outcomeTimeoutMs", outcomeTimeoutMs);
  }

  /** Credit window of the receiver, in bytes (only the receiver's setting matters). */
  public int getWindowBytes() {
    return windowBytes;
  }

  /** @param windowBytes credit window in bytes, must be positive */
  public TransferOptions setWindowBytes(int windowBytes) {
    if (windowBytes <= 0) {
      throw new IllegalArgumentException("windowBytes must be > 0: " + windowBytes);
    }
    this.windowBytes = windowBytes;
    return this;
  }

  /** Idle timeout in milliseconds; {@code 0} disables it. */
  public long getIdleTimeoutMs() {
    return idleTimeoutMs;
  }

  /** @param idleTimeoutMs idle timeout in milliseconds, {@code 0} disables it, must not be negative */
  public TransferOptions setIdleTimeoutMs(long idleTimeoutMs) {
    this.idleTimeoutMs = notNegative("idleTimeoutMs", idleTimeoutMs);
    return this;
  }

  /** Outcome timeout of the sender in milliseconds, counted from its end marker; {@code 0} disables it. */
  public long getOutcomeTimeoutMs() {
    return outcomeTimeoutMs;
  }

  /** @param outcomeTimeoutMs outcome timeout in milliseconds, {@code 0} disables it, must not be negative */
  public TransferOptions setOutcomeTimeoutMs(long outcomeTimeoutMs) {
    this.outcomeTimeoutMs = notNegative("outcomeTimeoutMs", outcomeTimeoutMs);
    return this;
  }

  private static long notNegative(String name, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must be >= 0: " + value);
    }
    return value;
  }

  @Override
  public String toString() {
    return "TransferOptions" + toJson().encode();
  }
}
