package org.packagerepository.storage.fs;

import org.packagerepository.storage.OpenedRead;
import org.packagerepository.storage.PackageInfo;
import org.packagerepository.storage.ReadShortcuts;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The open versions of recently read packages, so that a hot package costs no file-system call per request. An entry
 * is trusted for {@link #maxAgeNanos} after the path was last seen to name it; this server's own writes and deletes
 * drop it at once, changes by other tools are seen once it is checked again. Least recently used entries are closed
 * beyond {@link #capacity}. Every entry is also a {@link ReadShortcuts shortcut}, which readers open without asking the
 * storage verticle under the same rules, and which leaves with the entry. Confined to the storage event loop.
 */
final class OpenFiles {

  private final long maxAgeNanos;
  private final ReadShortcuts shortcuts;
  private final LinkedHashMap<String, Entry> files;

  OpenFiles(int capacity, long maxAgeNanos, ReadShortcuts shortcuts) {
    this.maxAgeNanos = maxAgeNanos;
    this.shortcuts = shortcuts;
    this.files = new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        if (size() > capacity) {
          drop(eldest.getKey(), eldest.getValue());
          return true;
        }
        return false;
      }
    };
  }

  /** The entry of {@code file} if it was checked recently enough to be served without looking again, else null. */
  SharedFile fresh(String file, long now) {
    Entry entry = files.get(file);
    return entry != null && entry.freshAt(now) ? entry.shared : null;
  }

  /** Any entry of {@code file}, however old. */
  SharedFile any(String file) {
    Entry entry = files.get(file);
    return entry == null ? null : entry.shared;
  }

  void put(String file, SharedFile shared) {
    Entry entry = new Entry(shared, shared.info(file));
    Entry previous = files.put(file, entry);
    if (previous != null) {
      drop(file, previous);
    }
    shortcuts.put(file, entry);
  }

  /**
   * Closes the versions not checked for two periods: unused ones, whose files another tool may have deleted (an open
   * file keeps its disk space). Costs a hot package one re-check, which it would have needed anyway.
   */
  void dropUnchecked(long now) {
    files.entrySet().removeIf(entry -> {
      if (now - entry.getValue().shared.checkedAt >= 2 * maxAgeNanos) {
        drop(entry.getKey(), entry.getValue());
        return true;
      }
      return false;
    });
  }

  void invalidate(String file) {
    Entry previous = files.remove(file);
    if (previous != null) {
      drop(file, previous);
    }
  }

  void clear() {
    files.forEach(this::drop);
    files.clear();
  }

  /** No reader may open the entry's version any more; those reading it keep it open until they are done. */
  private void drop(String file, Entry entry) {
    shortcuts.remove(file, entry);
    entry.shared.release();
  }

  /** An open version, and what readers opening it themselves are told of it. */
  private final class Entry implements ReadShortcuts.Shortcut {

    final SharedFile shared;
    final PackageInfo info;

    Entry(SharedFile shared, PackageInfo info) {
      this.shared = shared;
      this.info = info;
    }

    boolean freshAt(long now) {
      return now - shared.checkedAt < maxAgeNanos;
    }

    /** As the storage verticle would answer, when it would answer without a file-system call; on any thread. */
    @Override
    public OpenedRead open() {
      // Another tool may rewrite a file in place (same inode): its size, read from the open file, gives that away.
      long now = System.nanoTime();
      if (!freshAt(now) || !shared.hadSizeWithin(now) || !shared.tryRetain()) {
        return null;
      }
      return new OpenedRead(info, shared.channel(), shared::release);
    }
  }
}
