package org.packagerepository.storage;

/**
 * A local file that this process is still writing (a version on its way into the cache), read while it grows: bytes
 * {@code [0, available())} are on disk and may be sent; the file is {@link #complete()} once every byte is there and
 * verified, and a reader must not end its answer before that (the last byte stays unavailable until then, so that a
 * damaged version is never taken for the whole package). A file that {@link #failure() fails} will never be
 * complete: its readers must cut their answers. Safe to use from any thread; travels only inside one process.
 */
public interface GrowingFile {

  /** The bytes from the start of the file that may be read now. */
  long available();

  /** Whether every byte is available and verified. */
  boolean complete();

  /** Why the file will never be complete, or null. */
  Throwable failure();

  /**
   * Runs {@code listener} once, on any thread, as soon as {@link #available()} exceeds {@code position}, the file is
   * complete, or it has failed (at once when that is already so).
   */
  void whenBeyond(long position, Runnable listener);
}
