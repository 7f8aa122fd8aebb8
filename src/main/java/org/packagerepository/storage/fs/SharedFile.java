package org.packagerepository.storage.fs;

import org.packagerepository.storage.PackageInfo;
import org.packagerepository.storage.driver.SharedChannel;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.util.concurrent.TimeUnit;

/** One open version of a package in the directory, with what identifies it and its checksum. */
final class SharedFile extends SharedChannel {

  private final RandomAccessFile file;
  final FileIdentity identity;
  final String sha256;
  /**
   * When the path was last seen to name this version, System.nanoTime(). Written on the storage event loop, read also
   * by readers that open the version without asking storage ({@link OpenFiles}).
   */
  volatile long checkedAt;
  /**
   * When the open file was last seen to have this version's size, System.nanoTime(); read and written by the readers
   * that open the version without asking storage, on any event loop.
   */
  private volatile long sizeSeenAt;

  /** Takes over {@code file}: closing its channel, when the last reference goes, closes it. */
  SharedFile(RandomAccessFile file, FileIdentity identity, String sha256, long checkedAt) {
    super(file.getChannel());
    this.file = file;
    this.identity = identity;
    this.sha256 = sha256;
    this.checkedAt = checkedAt;
    this.sizeSeenAt = checkedAt - SIZE_RECHECK_NANOS;
  }

  PackageInfo info(String file) {
    return new PackageInfo(file, identity.size(), identity.modifiedMillis(), sha256, sha256);
  }

  /**
   * How long the size last read is taken as the file's by {@link #hadSizeWithin}: a hot package is asked for by both
   * event loops tens of thousands of times a second, and an fstat for each costs a twentieth of a small range's answer.
   * A file rewritten in place by another tool is then seen within this time of the rewrite instead of at the next
   * request; either way a reader that opened it just before is not protected.
   */
  static final long SIZE_RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  /** {@link #hasSize()}, read again only when it was last seen more than {@link #SIZE_RECHECK_NANOS} before {@code now}. */
  boolean hadSizeWithin(long now) {
    if (now - sizeSeenAt < SIZE_RECHECK_NANOS) {
      return true;
    }
    if (!hasSize()) {
      return false;
    }
    sizeSeenAt = now;
    return true;
  }

  /**
   * Whether the open file still has the size of this version: an fstat, no disk access, and no lock (see
   * {@link LocalFiles.OpenFile}), on every request for a hot package from every event loop.
   */
  boolean hasSize() {
    try {
      return file.length() == identity.size();
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public SharedFile retain() {
    super.retain();
    return this;
  }
}
