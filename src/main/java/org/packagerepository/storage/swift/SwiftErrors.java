package org.packagerepository.storage.swift;

import org.packagerepository.storage.StorageError;
import org.packagerepository.storage.StorageException;

/** Turns Swift's answers and connection failures into the storage contract's errors. */
final class SwiftErrors {

  private static final System.Logger LOG = System.getLogger(SwiftErrors.class.getName());

  private SwiftErrors() {
  }

  /** The error for an answer with {@code status} to a request about {@code what} (a package, or "the listing"). */
  static StorageException status(int status, String what) {
    switch (status) {
      case 404:
        return StorageException.notFound(what);
      case 412:
        return new StorageException(StorageError.PRECONDITION_FAILED, what + " has changed in Swift");
      case 507:
        LOG.log(System.Logger.Level.WARNING, "Swift has no space left for " + what);
        return new StorageException(StorageError.NO_SPACE, "Swift has no space left; nothing was stored");
      case 413:
        // A quota of the account or container (or Swift's limit on one object) is reached.
        LOG.log(System.Logger.Level.WARNING, "Swift refused to store more (413) for " + what);
        return new StorageException(StorageError.NO_SPACE, "Swift refused to store more (a quota or size limit was "
          + "reached); nothing was stored");
      default:
        break;
    }
    LOG.log(System.Logger.Level.WARNING, "Swift answered " + status + " for " + what);
    if (status >= 500 || status == 401 || status == 403 || status == 429 || status == 498) {
      return new StorageException(StorageError.UNAVAILABLE, "Swift refused the request (" + status + "); try again later");
    }
    return new StorageException(StorageError.INTERNAL, "Swift answered " + status + " for " + what);
  }

  /** The error for a request that got no answer: Swift (or the way to it) is down. */
  static StorageException unreachable(Throwable cause, String what) {
    if (cause instanceof StorageException se) {
      return se;
    }
    LOG.log(System.Logger.Level.WARNING, "Swift cannot be reached (" + what + "): " + cause);
    return new StorageException(StorageError.UNAVAILABLE, "Swift cannot be reached; try again later");
  }
}
