package org.packagerepository.storage;

import io.vertx.core.Vertx;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Versions that the storage verticle has open and checked a moment ago, which {@link StorageClient#openRead} opens
 * on the caller's thread instead of asking the storage verticle. Asking costs two thread hand-offs per download (the
 * HTTP event loop to storage's and back), more than sending a small range takes. The storage verticle alone puts and
 * removes shortcuts, and removes a package's before it acknowledges any change of it: a client that was told of a
 * change never opens the version before it. One per Vert.x instance; the backend need not publish any.
 */
public final class ReadShortcuts {

  /** A version that may be opened without asking storage, for as long as it says so. */
  @FunctionalInterface
  public interface Shortcut {

    /**
     * The version, opened for one reader (who must close it), or null when storage must be asked: the version is no
     * longer known to be current, or no longer open. Called on any thread.
     */
    OpenedRead open();
  }

  private static final Map<Vertx, ReadShortcuts> BY_VERTX = Collections.synchronizedMap(new WeakHashMap<>());

  private final Map<String, Shortcut> byFile = new ConcurrentHashMap<>();

  /** The shortcuts of a Vert.x instance, shared by its storage verticle and its clients. */
  public static ReadShortcuts of(Vertx vertx) {
    return BY_VERTX.computeIfAbsent(vertx, v -> new ReadShortcuts());
  }

  public void put(String file, Shortcut shortcut) {
    byFile.put(file, shortcut);
  }

  /** Removes the shortcut of {@code file} if it is still {@code shortcut}. */
  public void remove(String file, Shortcut shortcut) {
    byFile.remove(file, shortcut);
  }

  /** The current version of {@code file} opened for the caller, or null when storage must be asked. */
  public OpenedRead open(String file) {
    Shortcut shortcut = byFile.get(file);
    return shortcut == null ? null : shortcut.open();
  }
}
