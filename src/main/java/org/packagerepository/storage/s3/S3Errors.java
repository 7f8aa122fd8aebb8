package org.packagerepository.storage.s3;

import org.packagerepository.storage.StorageError;
import org.packagerepository.storage.StorageException;
import org.packagerepository.transfer.TransferException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns what the SDK throws into the storage contract's errors. */
final class S3Errors {

  private static final System.Logger LOG = System.getLogger(S3Errors.class.getName());

  private S3Errors() {
  }

  static StorageException toStorage(Throwable failure, String file) {
    Throwable e = unwrap(failure);
    if (e instanceof StorageException se) {
      return se;
    }
    if (e instanceof TransferException te) {
      return new StorageException(StorageError.fromTransferCode(te.code()), te.getMessage());
    }
    if (e instanceof S3Exception s3) {
      int status = s3.statusCode();
      if (status == 404) {
        return StorageException.notFound(file);
      }
      if (status == 412) {
        return new StorageException(StorageError.PRECONDITION_FAILED, file + " has changed in the store");
      }
      String code = s3.awsErrorDetails() == null ? String.valueOf(status) : s3.awsErrorDetails().errorCode();
      LOG.log(System.Logger.Level.WARNING, "The S3 store answered " + status + " " + code + " for " + file);
      if (status >= 500 || status == 403 || status == 401 || status == 429) {
        return new StorageException(StorageError.UNAVAILABLE, "The S3 store refused the request (" + status + " "
          + code + "); try again later");
      }
      return new StorageException(StorageError.INTERNAL, "The S3 store answered " + status + " " + code);
    }
    if (e instanceof SdkClientException) {
      LOG.log(System.Logger.Level.WARNING, "The S3 store cannot be reached: " + e.getMessage());
      return new StorageException(StorageError.UNAVAILABLE, "The S3 store cannot be reached; try again later");
    }
    LOG.log(System.Logger.Level.ERROR, "S3 operation failed for " + file, e);
    return new StorageException(StorageError.INTERNAL, "The S3 backend failed: " + e.getMessage());
  }

  /** Whether the store said that what was asked for does not exist (no such key, no such multipart upload). */
  static boolean isNotFound(Throwable failure) {
    return unwrap(failure) instanceof S3Exception s3 && s3.statusCode() == 404;
  }

  static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
