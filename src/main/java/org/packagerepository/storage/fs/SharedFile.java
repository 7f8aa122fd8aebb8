package org.packagerepository.storage.fs;

import org.packagerepository.storage.PackageInfo;
import org.packagerepository.storage.driver.SharedChannel;

import java.io.IOException;
import java.io.RandomAccessFile;

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

  /** Takes over {@code file}: closing its channel, when the last reference goes, closes it. */
  SharedFile(RandomAccessFile file, FileIdentity identity, String sha256, long checkedAt) {
    super(file.getChannel());
    this.file = file;
    this.identity = identity;
    this.sha256 = sha256;
    this.checkedAt = checkedAt;
  }

  PackageInfo info(String file) {
    return new PackageInfo(file, identity.size(), identity.modifiedMillis(), sha256, sha256);
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
