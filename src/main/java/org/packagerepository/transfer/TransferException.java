package org.packagerepository.transfer;

import java.util.Objects;

/**
 * Failure of a chunked transfer, identified by a short machine-readable {@link #code()}.
 * <p>
 * Codes raised by this package itself are listed as constants; any other code is one a peer sent with
 * {@link ChunkSender#cancel(String, String)} or {@link ChunkReceiver#fail(String, String)}.
 */
public class TransferException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** No message was received or sent on the transfer for {@link TransferOptions#getIdleTimeoutMs()}. */
  public static final String IDLE_TIMEOUT = "idle_timeout";
  /** The sender got no outcome within {@link TransferOptions#getOutcomeTimeoutMs()} after it sent its end marker. */
  public static final String OUTCOME_TIMEOUT = "outcome_timeout";
  /** The sender sent more bytes than the receiver granted (protocol violation). */
  public static final String CREDIT_EXCEEDED = "credit_exceeded";
  /** An operation on a transfer that has already been completed, failed or cancelled. */
  public static final String CLOSED = "closed";
  /** Default code when a peer cancels without giving one. */
  public static final String CANCELLED = "cancelled";
  /** Default code when a receiver fails without giving one. */
  public static final String FAILED = "failed";

  private final String code;

  public TransferException(String code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** The short machine word describing the failure, e.g. {@code "cancelled"} or {@code "idle_timeout"}. */
  public String code() {
    return code;
  }

  @Override
  public String toString() {
    String msg = getMessage();
    return "TransferException[" + code + "]" + (msg != null ? ": " + msg : "");
  }
}
