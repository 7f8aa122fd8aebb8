package org.packagerepository.storage.fs;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The open versions of recently read packages, so that a hot package costs no file-system call per request. An entry
 * is trusted for {@link #maxAgeNanos} after the path was last seen to name it; this server's own writes and deletes
 * drop it at once, changes by other tools are seen once it is checked again. Least recently used entries are closed
 * beyond {@link #capacity}. Confined to the storage event loop.
 */
final class OpenFiles {

  private final long maxAgeNanos;
  private final LinkedHashMap<String, SharedFile> files;

  OpenFiles(int capacity, long maxAgeNanos) {
    this.maxAgeNanos = maxAgeNanos;
    this.files = new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, SharedFile> eldest) {
        if (size() > capacity) {
          eldest.getValue().release();
          return true;
        }
        return false;
      }
    };
  }

  /** The entry of {@code file} if it was checked recently enough to be served without looking again, else null. */
  SharedFile fresh(String file, long now) {
    SharedFile shared = files.get(file);
    return shared != null && now - shared.checkedAt < maxAgeNanos ? shared : null;
  }

  /** Any entry of {@code file}, however old. */
  SharedFile any(String file) {
    return files.get(file);
  }

  void put(String file, SharedFile shared) {
    SharedFile previous = files.put(file, shared);
    if (previous != null && previous != shared) {
      previous.release();
    }
  }

  /**
   * Closes the versions not checked for two periods: unused ones, whose files another tool may have deleted (an open
   * file keeps its disk space). Costs a hot package one re-check, which it would have needed anyway.
   */
  void dropUnchecked(long now) {
    files.values().removeIf(shared -> {
      if (now - shared.checkedAt >= 2 * maxAgeNanos) {
        shared.release();
        return true;
      }
      return false;
    });
  }

  void invalidate(String file) {
    SharedFile previous = files.remove(file);
    if (previous != null) {
      previous.release();
    }
  }

  void clear() {
    files.values().forEach(SharedFile::release);
    files.clear();
  }
}
