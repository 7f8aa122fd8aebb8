package org.packagerepository.storage.driver;

import io.vertx.core.Future;
import org.packagerepository.storage.StorageError;
import org.packagerepository.storage.StorageException;
import org.packagerepository.storage.WriteRequest;

/**
 * The checks of a change that are the same for every backend: the conditions of an upload or a delete, and the bytes
 * of an upload.
 */
public final class WriteChecks {

  private WriteChecks() {
  }

  /**
   * Throws the {@link StorageException} that refuses {@code request} given the package's current state: create-only
   * or no-overwrite over an existing package, If-Match on another version or on none.
   *
   * @param exists      whether the package exists now
   * @param currentEtag its entity tag; needed only when {@link #needsCurrentEtag} says so
   */
  public static void checkConditions(WriteRequest request, boolean exists, String currentEtag) {
    if (exists && (request.createOnly() || !request.overwrite())) {
      throw alreadyExists(request);
    }
    if (request.ifMatch() != null && !exists) {
      throw new StorageException(StorageError.PRECONDITION_FAILED, request.file() + " does not exist");
    }
    checkIfMatch(request.file(), request.ifMatch(), currentEtag);
  }

  /**
   * Throws the refusal of a change to an existing package whose If-Match ({@code null}: none, {@code *}, or an
   * entity tag) names another version than {@code currentEtag}.
   */
  public static void checkIfMatch(String file, String ifMatch, String currentEtag) {
    if (needsCurrentEtag(ifMatch) && !ifMatch.equals(currentEtag)) {
      throw new StorageException(StorageError.PRECONDITION_FAILED, file + " is not at the version given in If-Match");
    }
  }

  /** Whether checking the conditions of {@code request} needs the current entity tag, not only existence. */
  public static boolean needsCurrentEtag(WriteRequest request) {
    return needsCurrentEtag(request.ifMatch());
  }

  /** Whether checking an If-Match of {@code ifMatch} needs the current entity tag, not only existence. */
  public static boolean needsCurrentEtag(String ifMatch) {
    return ifMatch != null && !ifMatch.equals("*");
  }

  /** The refusal of a create-only or no-overwrite upload whose package exists. */
  public static StorageException alreadyExists(WriteRequest request) {
    return request.createOnly()
      ? new StorageException(StorageError.PRECONDITION_FAILED, request.file() + " already exists")
      : new StorageException(StorageError.ALREADY_EXISTS, request.file() + " already exists and overwriting is disabled");
  }

  /** The SHA-256 of the received bytes when they are what the client announced, else the failure to answer with. */
  public static Future<String> verify(WriteRequest request, long received, String sha256) {
    if (request.expectedSize() >= 0 && received != request.expectedSize()) {
      return Future.failedFuture(new StorageException(StorageError.SIZE_MISMATCH, "Received " + received
        + " bytes but " + request.expectedSize() + " were announced; nothing was stored"));
    }
    if (request.expectedSha256() != null && !request.expectedSha256().equalsIgnoreCase(sha256)) {
      return Future.failedFuture(new StorageException(StorageError.CHECKSUM_MISMATCH, "The SHA-256 of the received "
        + "bytes is " + sha256 + ", not " + request.expectedSha256().toLowerCase() + " as announced; nothing was stored"));
    }
    return Future.succeededFuture(sha256);
  }
}
