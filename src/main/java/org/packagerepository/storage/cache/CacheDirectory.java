package org.packagerepository.storage.cache;

import io.vertx.core.json.JsonObject;
import org.packagerepository.storage.Sha256;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The files of a local cache of remote packages: one file per version of a package, its bytes in
 * {@code <key>.pkg} and what it is in {@code <key>.json}, where the key is derived from the package's name and entity
 * tag. A version appears in the cache only whole: it is written as {@code <id>.part} and {@link #publish published}
 * with a rename once complete. The cache survives a restart (partial files are deleted when it is opened); a version
 * found on disk is {@link #verify verified} by its SHA-256 before it is first served, so that a file damaged on disk is
 * never served. Beyond the size limit, or when its disk runs short of space, the least recently used versions go,
 * except those {@link #pin pinned} by a reader; the cache leaves {@link #DISK_HEADROOM} free on its disk.
 *
 * <p>Thread-safe; every method may block on the disk: call it from a worker thread.
 */
public final class CacheDirectory {

  /** A cached version of a package. */
  public record Entry(String key, String file, String etag, long size, String sha256, Path path) {
  }

  /** The free space of the cache's file system. */
  interface DiskSpace {
    long usableBytes() throws IOException;
  }

  /** What the cache leaves free on its disk, for whatever else writes there (logs, other caches, the system). */
  static final long DISK_HEADROOM = 64L * 1024 * 1024;

  private final Path dir;
  private final long maxBytes;
  private final DiskSpace disk;
  /** Access order: the eldest is the least recently used. */
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
  private final Map<String, Integer> pins = new HashMap<>();
  private final Set<String> verified = new HashSet<>();
  private long usedBytes;
  private long reservedBytes;

  private CacheDirectory(Path dir, long maxBytes, DiskSpace disk) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.disk = disk;
  }

  /** Opens (creating it if needed) the cache in {@code dir}: deletes partial files, indexes the complete ones. */
  public static CacheDirectory open(Path dir, long maxBytes) throws IOException {
    Files.createDirectories(dir);
    FileStore store = Files.getFileStore(dir);
    return open(dir, maxBytes, store::getUsableSpace);
  }

  static CacheDirectory open(Path dir, long maxBytes, DiskSpace disk) throws IOException {
    Files.createDirectories(dir);
    CacheDirectory cache = new CacheDirectory(dir, maxBytes, disk);
    cache.load();
    return cache;
  }

  public long maxBytes() {
    return maxBytes;
  }

  public synchronized long usedBytes() {
    return usedBytes;
  }

  /** The cached version {@code etag} of {@code file}, or null; counts as a use for the eviction order. */
  public synchronized Entry lookup(String file, String etag) {
    return entries.get(key(file, etag));
  }

  /** Whether {@code entry} was verified since the cache was opened (written now, or checked by {@link #verify}). */
  public synchronized boolean isVerified(Entry entry) {
    return verified.contains(entry.key());
  }

  /**
   * Checks the bytes of {@code entry} against its SHA-256; a damaged or vanished file is removed from the cache.
   *
   * @return whether it may be served
   */
  public boolean verify(Entry entry) throws IOException {
    synchronized (this) {
      if (verified.contains(entry.key())) {
        return true;
      }
    }
    boolean intact;
    try {
      intact = Files.size(entry.path()) == entry.size() && sha256Of(entry.path()).equals(entry.sha256());
    } catch (NoSuchFileException e) {
      intact = false;
    }
    synchronized (this) {
      if (intact) {
        verified.add(entry.key());
      } else {
        drop(entry.key());
      }
    }
    return intact;
  }

  /** Where the bytes of a version are once published. */
  public Path dataPath(String file, String etag) {
    return dir.resolve(key(file, etag) + ".pkg");
  }

  /** A new file to write a version into; {@link #publish} or delete it. */
  public Path newPart() {
    return dir.resolve(UUID.randomUUID() + ".part");
  }

  /**
   * Makes room for {@code bytes} more, within the size limit and on the disk, evicting the least recently used
   * versions that no reader holds.
   *
   * @return false when that much cannot be freed (the caller then streams without caching)
   */
  public synchronized boolean reserve(long bytes) throws IOException {
    if (bytes > maxBytes) {
      return false;
    }
    Iterator<Map.Entry<String, Entry>> eldest = entries.entrySet().iterator();
    while (!hasRoom(bytes) && eldest.hasNext()) {
      Entry entry = eldest.next().getValue();
      if (pins.containsKey(entry.key())) {
        continue;
      }
      eldest.remove();
      forget(entry);
    }
    if (!hasRoom(bytes)) {
      return false;
    }
    reservedBytes += bytes;
    return true;
  }

  /**
   * Whether {@code bytes} more fit. Fills in progress may have written part of their reservation already; counting
   * all of it errs on the side of streaming instead of filling the disk.
   */
  private boolean hasRoom(long bytes) throws IOException {
    return usedBytes + reservedBytes + bytes <= maxBytes
      && disk.usableBytes() - reservedBytes - bytes >= DISK_HEADROOM;
  }

  /** Gives back a reservation whose version was not published. */
  public synchronized void unreserve(long bytes) {
    reservedBytes -= bytes;
  }

  /**
   * Moves a complete, verified version into the cache (replacing any entry of the same version) and gives back its
   * reservation of {@code reserved} bytes.
   */
  public Entry publish(Path part, String file, String etag, long size, String sha256, long reserved) throws IOException {
    String key = key(file, etag);
    Path data = dataPath(file, etag);
    Path meta = dir.resolve(key + ".json");
    JsonObject json = new JsonObject().put("file", file).put("etag", etag).put("size", size).put("sha256", sha256);
    Path metaPart = dir.resolve(key + "." + UUID.randomUUID() + ".part");
    Files.writeString(metaPart, json.encode(), StandardCharsets.UTF_8);
    synchronized (this) {
      reservedBytes -= reserved;
      Entry previous = entries.remove(key);
      if (previous != null) {
        usedBytes -= previous.size();
      }
      Files.move(part, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      Files.move(metaPart, meta, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      Entry entry = new Entry(key, file, etag, size, sha256, data);
      entries.put(key, entry);
      usedBytes += size;
      verified.add(key);
      return entry;
    }
  }

  /** A reader holds {@code entry}: it is not evicted until {@link #unpin}. */
  public synchronized void pin(Entry entry) {
    pins.merge(entry.key(), 1, Integer::sum);
  }

  public synchronized void unpin(Entry entry) {
    pins.computeIfPresent(entry.key(), (k, n) -> n == 1 ? null : n - 1);
  }

  /** Removes every cached version of {@code file} (this server changed or deleted it). */
  public synchronized void removeAll(String file) throws IOException {
    Iterator<Entry> all = entries.values().iterator();
    while (all.hasNext()) {
      Entry entry = all.next();
      if (entry.file().equals(file)) {
        all.remove();
        forget(entry);
      }
    }
  }

  private void drop(String key) throws IOException {
    Entry entry = entries.remove(key);
    if (entry != null) {
      forget(entry);
    }
  }

  /** Deletes the files of an entry already taken out of the index. A reader's open channel keeps its bytes. */
  private void forget(Entry entry) throws IOException {
    usedBytes -= entry.size();
    verified.remove(entry.key());
    Files.deleteIfExists(dir.resolve(entry.key() + ".json"));
    Files.deleteIfExists(entry.path());
  }

  private void load() throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path path : files) {
        String name = path.getFileName().toString();
        if (name.endsWith(".part")) {
          Files.deleteIfExists(path);   // a fill cut short by a stop or a crash
        } else if (name.endsWith(".json")) {
          loadEntry(path, name.substring(0, name.length() - ".json".length()));
        }
      }
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.pkg")) {
      for (Path path : files) {
        String name = path.getFileName().toString();
        if (!entries.containsKey(name.substring(0, name.length() - ".pkg".length()))) {
          Files.deleteIfExists(path);   // bytes without their description
        }
      }
    }
  }

  private void loadEntry(Path meta, String key) throws IOException {
    Path data = dir.resolve(key + ".pkg");
    try {
      JsonObject json = new JsonObject(Files.readString(meta, StandardCharsets.UTF_8));
      Entry entry = new Entry(key, json.getString("file"), json.getString("etag"), json.getLong("size"),
        json.getString("sha256"), data);
      if (key.equals(key(entry.file(), entry.etag())) && Files.size(data) == entry.size()) {
        entries.put(key, entry);
        usedBytes += entry.size();
        return;
      }
    } catch (RuntimeException | NoSuchFileException e) {
      // unreadable or incomplete: dropped below
    }
    Files.deleteIfExists(meta);
    Files.deleteIfExists(data);
  }

  /** The SHA-256 of a file's bytes, in lower-case hex. */
  static String sha256Of(Path path) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      Sha256 digest = new Sha256();
      ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
      while (channel.read(buffer) > 0) {
        buffer.flip();
        digest.update(buffer);
        buffer.clear();
      }
      return digest.hex();
    }
  }

  /** The name of a version's files: a hash of the package name and its entity tag (both free of path characters). */
  static String key(String file, String etag) {
    Sha256 digest = new Sha256();
    digest.update(ByteBuffer.wrap((file + "\u0000" + etag).getBytes(StandardCharsets.UTF_8)));
    return digest.hex().substring(0, 40);
  }
}
