package org.packagerepository.storage.cache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.packagerepository.http.TestBytes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CacheDirectoryTest {

  @TempDir
  Path dir;

  /** Writes {@code bytes} as the fill of a version would, and publishes it. */
  private static CacheDirectory.Entry put(CacheDirectory cache, String file, String etag, byte[] bytes)
    throws IOException {
    assertTrue(cache.reserve(bytes.length), "room for " + file);
    Path part = cache.newPart();
    Files.write(part, bytes);
    return cache.publish(part, file, etag, bytes.length, TestBytes.sha256Hex(bytes), bytes.length);
  }

  @Test
  void aPublishedVersionIsFoundByNameAndEntityTagAndSurvivesARestart() throws IOException {
    CacheDirectory cache = CacheDirectory.open(dir, 1 << 20);
    byte[] bytes = TestBytes.random(1000, 1);
    CacheDirectory.Entry entry = put(cache, "app-1.0.tar.gz", "e1", bytes);
    assertTrue(cache.isVerified(entry), "written now: verified while written");
    assertNull(cache.lookup("app-1.0.tar.gz", "e2"), "another version is another entry");
    assertArrayEquals(bytes, Files.readAllBytes(cache.lookup("app-1.0.tar.gz", "e1").path()));

    CacheDirectory reopened = CacheDirectory.open(dir, 1 << 20);
    CacheDirectory.Entry again = reopened.lookup("app-1.0.tar.gz", "e1");
    assertNotNull(again);
    assertEquals(1000, reopened.usedBytes());
    assertFalse(reopened.isVerified(again), "found on disk: checked before it is first served");
    assertTrue(reopened.verify(again));
    assertTrue(reopened.isVerified(again));
  }

  @Test
  void aFileDamagedOnDiskIsNeverServedAndLeavesTheCache() throws IOException {
    CacheDirectory cache = CacheDirectory.open(dir, 1 << 20);
    CacheDirectory.Entry entry = put(cache, "app-1.0.tar.gz", "e1", TestBytes.random(1000, 2));
    try (var channel = Files.newByteChannel(entry.path(), StandardOpenOption.WRITE)) {
      channel.position(500).write(java.nio.ByteBuffer.wrap(new byte[] {42}));
    }
    CacheDirectory reopened = CacheDirectory.open(dir, 1 << 20);
    assertFalse(reopened.verify(reopened.lookup("app-1.0.tar.gz", "e1")));
    assertNull(reopened.lookup("app-1.0.tar.gz", "e1"));
    assertEquals(0, reopened.usedBytes());
    assertFalse(Files.exists(entry.path()));
  }

  @Test
  void partialFilesAndBytesWithoutTheirDescriptionAreDeletedWhenTheCacheOpens() throws IOException {
    CacheDirectory cache = CacheDirectory.open(dir, 1 << 20);
    put(cache, "app-1.0.tar.gz", "e1", TestBytes.random(100, 3));
    Files.write(cache.newPart(), new byte[10]);
    Files.write(dir.resolve("0123456789012345678901234567890123456789.pkg"), new byte[10]);
    CacheDirectory.open(dir, 1 << 20);
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(2, files.count(), "only the published version's two files stay");
    }
  }

  @Test
  void beyondTheLimitTheLeastRecentlyUsedUnpinnedVersionsGo() throws IOException {
    CacheDirectory cache = CacheDirectory.open(dir, 3000);
    CacheDirectory.Entry a = put(cache, "a-1.tar.gz", "e", new byte[1000]);
    put(cache, "b-1.tar.gz", "e", new byte[1000]);
    put(cache, "c-1.tar.gz", "e", new byte[1000]);
    cache.lookup("a-1.tar.gz", "e");   // a used again: b is now the least recently used
    put(cache, "d-1.tar.gz", "e", new byte[1000]);
    assertNull(cache.lookup("b-1.tar.gz", "e"));
    assertNotNull(cache.lookup("a-1.tar.gz", "e"));
    assertEquals(3000, cache.usedBytes());

    cache.pin(a);
    cache.lookup("c-1.tar.gz", "e");
    cache.lookup("d-1.tar.gz", "e");   // a is the eldest, but a reader holds it
    put(cache, "e-1.tar.gz", "e", new byte[1000]);
    assertNotNull(cache.lookup("a-1.tar.gz", "e"));
    assertNull(cache.lookup("c-1.tar.gz", "e"));

    cache.pin(cache.lookup("d-1.tar.gz", "e"));
    cache.pin(cache.lookup("e-1.tar.gz", "e"));
    assertFalse(cache.reserve(1000), "everything is held: the caller streams without caching");
    assertFalse(cache.reserve(4000), "larger than the whole cache");
    cache.unpin(a);
    assertTrue(cache.reserve(1000));
    cache.unreserve(1000);
  }

  @Test
  void whenItsDiskRunsShortTheCacheEvictsAndThenRefusesLeavingTheHeadroomFree() throws IOException {
    // A disk of the headroom plus 3000 bytes, shared with whatever else writes there; the size limit is far.
    long capacity = CacheDirectory.DISK_HEADROOM + 3000;
    long[] others = {0};
    CacheDirectory cache = CacheDirectory.open(dir, 1 << 30, () -> capacity - others[0] - bytesIn(dir));
    put(cache, "a-1.tar.gz", "e", new byte[1000]);
    put(cache, "b-1.tar.gz", "e", new byte[1000]);
    put(cache, "c-1.tar.gz", "e", new byte[1000]);
    cache.lookup("a-1.tar.gz", "e");   // b is now the least recently used

    put(cache, "d-1.tar.gz", "e", new byte[500]);
    assertNull(cache.lookup("b-1.tar.gz", "e"), "the disk had no room: the least recently used went");
    assertNotNull(cache.lookup("a-1.tar.gz", "e"));
    assertNotNull(cache.lookup("c-1.tar.gz", "e"));
    assertEquals(2500, cache.usedBytes());

    cache.pin(cache.lookup("a-1.tar.gz", "e"));
    cache.pin(cache.lookup("c-1.tar.gz", "e"));
    cache.pin(cache.lookup("d-1.tar.gz", "e"));
    assertTrue(cache.reserve(400), "what is left above the headroom can be used");
    assertFalse(cache.reserve(200), "a reservation counts as written: no room for more");
    cache.unreserve(400);
    others[0] = 1000;   // someone else filled the disk
    assertFalse(cache.reserve(1), "a full disk and nothing to evict: the caller streams from the store");
    assertEquals(2500, cache.usedBytes());
  }

  private static long bytesIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".pkg")).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  @Test
  void removingAPackageDropsAllItsVersions() throws IOException {
    CacheDirectory cache = CacheDirectory.open(dir, 1 << 20);
    put(cache, "app-1.0.tar.gz", "e1", new byte[10]);
    put(cache, "app-1.0.tar.gz", "e2", new byte[20]);
    put(cache, "other-1.0.tar.gz", "e1", new byte[30]);
    cache.removeAll("app-1.0.tar.gz");
    assertNull(cache.lookup("app-1.0.tar.gz", "e1"));
    assertNull(cache.lookup("app-1.0.tar.gz", "e2"));
    assertEquals(30, cache.usedBytes());
    assertEquals(30, CacheDirectory.open(dir, 1 << 20).usedBytes(), "gone from disk too");
  }
}
