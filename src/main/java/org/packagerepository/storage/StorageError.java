package org.packagerepository.storage;

/**
 * What can go wrong in storage, independent of any protocol. The numeric codes travel as the failure code of
 * event-bus replies; the names travel as the codes of failed transfers.
 */
public enum StorageError {
  NOT_FOUND(1),
  /** A create-only write found the package already there while overwriting is disabled. */
  ALREADY_EXISTS(2),
  /** A conditional write (create-only, or replace-only-this-version) found another state. */
  PRECONDITION_FAILED(3),
  CHECKSUM_MISMATCH(4),
  /** Fewer (or more) bytes arrived than announced. */
  SIZE_MISMATCH(5),
  INVALID_NAME(6),
  NO_SPACE(7),
  /** The backend cannot be reached; worth retrying later. */
  UNAVAILABLE(8),
  /** The package changed between opening and reading it; the reader starts again. */
  CHANGED(9),
  /** The writer went away or gave up before the end. */
  CANCELLED(10),
  INTERNAL(11);

  private final int code;

  StorageError(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The transfer code of this error, e.g. {@code "checksum_mismatch"}. */
  public String transferCode() {
    return name().toLowerCase();
  }

  public static StorageError fromCode(int code) {
    for (StorageError error : values()) {
      if (error.code == code) {
        return error;
      }
    }
    return INTERNAL;
  }

  public static StorageError fromTransferCode(String code) {
    for (StorageError error : values()) {
      if (error.transferCode().equals(code)) {
        return error;
      }
    }
    if ("idle_timeout".equals(code)) {
      return CANCELLED;
    }
    // Storage took the whole upload but never said how it ended.
    return "outcome_timeout".equals(code) ? UNAVAILABLE : INTERNAL;
  }
}
