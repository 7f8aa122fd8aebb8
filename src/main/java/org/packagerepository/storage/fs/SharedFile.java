package org.packagerepository.storage.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One open version of a package, shared by every reader of it: readers use positional reads and sendfile only, so
 * they do not disturb each other. Counted: the cache holds one reference while the version is current, each reader
 * one while it reads; the channel closes when the last is released, on whatever thread that happens.
 */
final class SharedFile {

  final FileChannel channel;
  final FileIdentity identity;
  final String sha256;
  /** When the path was last seen to name this version, System.nanoTime(). Confined to the storage event loop. */
  long checkedAt;
  private final AtomicInteger references = new AtomicInteger(1);

  SharedFile(FileChannel channel, FileIdentity identity, String sha256, long checkedAt) {
    this.channel = channel;
    this.identity = identity;
    this.sha256 = sha256;
    this.checkedAt = checkedAt;
  }

  /** Whether the open file still has the size of this version (an fstat: no disk access). */
  boolean hasSize() {
    try {
      return channel.size() == identity.size();
    } catch (IOException e) {
      return false;
    }
  }

  SharedFile retain() {
    references.incrementAndGet();
    return this;
  }

  void release() {
    if (references.decrementAndGet() == 0) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // read only
      }
    }
  }
}
