package org.packagerepository.storage.fs;

import org.packagerepository.storage.PackageInfo;
import org.packagerepository.storage.driver.SharedChannel;

import java.io.IOException;
import java.nio.channels.FileChannel;

/** One open version of a package in the directory, with what identifies it and its checksum. */
final class SharedFile extends SharedChannel {

  final FileIdentity identity;
  final String sha256;
  /**
   * When the path was last seen to name this version, System.nanoTime(). Written on the storage event loop, read also
   * by readers that open the version without asking storage ({@link OpenFiles}).
   */
  volatile long checkedAt;

  SharedFile(FileChannel channel, FileIdentity identity, String sha256, long checkedAt) {
    super(channel);
    this.identity = identity;
    this.sha256 = sha256;
    this.checkedAt = checkedAt;
  }

  PackageInfo info(String file) {
    return new PackageInfo(file, identity.size(), identity.modifiedMillis(), sha256, sha256);
  }

  /** Whether the open file still has the size of this version (an fstat: no disk access). */
  boolean hasSize() {
    try {
      return channel().size() == identity.size();
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
