package org.packagerepository.storage.fs;

import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One version of a file: its inode (the file key), size and modification time. Replacing a package by rename gives
 * it a new inode, so an identity read before and after opening a file proves which version the open file is.
 */
record FileIdentity(Object key, long size, long modifiedNanos) {

  static FileIdentity of(BasicFileAttributes attributes) {
    return new FileIdentity(attributes.fileKey(), attributes.size(),
      attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS));
  }

  long modifiedMillis() {
    return TimeUnit.NANOSECONDS.toMillis(modifiedNanos);
  }

  boolean sameVersion(FileIdentity other) {
    return other != null && Objects.equals(key, other.key) && size == other.size && modifiedNanos == other.modifiedNanos;
  }
}
