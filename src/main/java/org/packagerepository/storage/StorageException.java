package org.packagerepository.storage;

/** A storage failure with its kind and a message a person can act on. */
public class StorageException extends RuntimeException {

  private final StorageError error;

  public StorageException(StorageError error, String message) {
    super(message, null, false, false);
    this.error = error;
  }

  public StorageException(StorageError error, String message, Throwable cause) {
    super(message, cause);
    this.error = error;
  }

  /** The package {@code file} does not exist. */
  public static StorageException notFound(String file) {
    return new StorageException(StorageError.NOT_FOUND, "No package named " + file);
  }

  public StorageError error() {
    return error;
  }
}
