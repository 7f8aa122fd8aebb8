package org.packagerepository.storage.fs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.packagerepository.storage.OpenedRead;
import org.packagerepository.storage.PackageInfo;
import org.packagerepository.storage.ReadShortcuts;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenFilesTest {

  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private static SharedFile open(Path path, long checkedAt) throws Exception {
    Files.write(path, new byte[] {1, 2, 3});
    FileIdentity identity = LocalFiles.identity(path);
    return new SharedFile(new RandomAccessFile(path.toFile(), "r"), identity, "sha", checkedAt);
  }

  @Test
  void aVersionCheckedRecentlyIsFreshAndAnOlderOneIsNot(@TempDir Path dir) throws Exception {
    OpenFiles files = new OpenFiles(8, SECOND, new ReadShortcuts());
    SharedFile shared = open(dir.resolve("a"), 0);
    files.put("a", shared);
    assertSame(shared, files.fresh("a", SECOND / 2));
    assertNull(files.fresh("a", SECOND));
    assertSame(shared, files.any("a"));
  }

  @Test
  void anUnusedVersionIsClosedSoThatADeletedFileFreesItsSpace(@TempDir Path dir) throws Exception {
    OpenFiles files = new OpenFiles(8, SECOND, new ReadShortcuts());
    SharedFile shared = open(dir.resolve("a"), 0);
    files.put("a", shared);
    files.dropUnchecked(SECOND);
    assertTrue(shared.channel().isOpen());
    files.dropUnchecked(2 * SECOND);
    assertFalse(shared.channel().isOpen());
    assertNull(files.any("a"));
  }

  @Test
  void aReaderKeepsItsVersionOpenUntilItReleasesIt(@TempDir Path dir) throws Exception {
    OpenFiles files = new OpenFiles(8, SECOND, new ReadShortcuts());
    SharedFile shared = open(dir.resolve("a"), 0);
    files.put("a", shared);
    shared.retain();
    files.invalidate("a");
    assertTrue(shared.channel().isOpen());
    shared.release();
    assertFalse(shared.channel().isOpen());
  }

  @Test
  void beyondItsCapacityTheLeastRecentlyUsedVersionIsClosed(@TempDir Path dir) throws Exception {
    OpenFiles files = new OpenFiles(1, SECOND, new ReadShortcuts());
    SharedFile a = open(dir.resolve("a"), 0);
    SharedFile b = open(dir.resolve("b"), 0);
    files.put("a", a);
    files.put("b", b);
    assertFalse(a.channel().isOpen());
    assertTrue(b.channel().isOpen());
  }

  @Test
  void aVersionCheckedAMomentAgoIsOpenedThroughItsShortcutAsStorageWouldAnswer(@TempDir Path dir) throws Exception {
    ReadShortcuts shortcuts = new ReadShortcuts();
    OpenFiles files = new OpenFiles(8, SECOND, shortcuts);
    SharedFile shared = open(dir.resolve("a"), System.nanoTime());
    files.put("a", shared);
    OpenedRead opened = shortcuts.open("a");
    assertNotNull(opened);
    assertSame(shared.channel(), opened.channel());
    assertEquals(new PackageInfo("a", 3, shared.identity.modifiedMillis(), "sha", "sha"), opened.info());
    opened.close();
    assertTrue(shared.channel().isOpen(), "the open files still hold it");
    assertNull(shortcuts.open("b"));
  }

  @Test
  void aVersionNotCheckedForAWhileHasToBeAskedFor(@TempDir Path dir) throws Exception {
    ReadShortcuts shortcuts = new ReadShortcuts();
    OpenFiles files = new OpenFiles(8, SECOND, shortcuts);
    files.put("a", open(dir.resolve("a"), System.nanoTime() - SECOND));
    assertNull(shortcuts.open("a"));
  }

  @Test
  void aFileRewrittenInPlaceByAnotherToolIsNotOpenedThroughTheShortcut(@TempDir Path dir) throws Exception {
    ReadShortcuts shortcuts = new ReadShortcuts();
    OpenFiles files = new OpenFiles(8, SECOND, shortcuts);
    Path path = dir.resolve("a");
    files.put("a", open(path, System.nanoTime()));
    Files.write(path, new byte[] {9, 9, 9, 9}, StandardOpenOption.TRUNCATE_EXISTING);
    assertNull(shortcuts.open("a"));
  }

  @Test
  void aFileRewrittenInPlaceIsSeenOnceTheSizeLastReadIsAMillisecondOld(@TempDir Path dir) throws Exception {
    Path path = dir.resolve("a");
    SharedFile shared = open(path, System.nanoTime());
    long seen = System.nanoTime();
    assertTrue(shared.hadSizeWithin(seen));
    Files.write(path, new byte[] {9, 9, 9, 9}, StandardOpenOption.TRUNCATE_EXISTING);
    assertTrue(shared.hadSizeWithin(seen + SharedFile.SIZE_RECHECK_NANOS - 1), "the size read a moment ago stands");
    assertFalse(shared.hadSizeWithin(seen + SharedFile.SIZE_RECHECK_NANOS));
    assertFalse(shared.hadSizeWithin(seen + SharedFile.SIZE_RECHECK_NANOS + 1), "and is read again until it is right");
  }

  @Test
  void aChangedVersionLeavesWithItsShortcutWhileItsReadersKeepIt(@TempDir Path dir) throws Exception {
    ReadShortcuts shortcuts = new ReadShortcuts();
    OpenFiles files = new OpenFiles(8, SECOND, shortcuts);
    SharedFile shared = open(dir.resolve("a"), System.nanoTime());
    files.put("a", shared);
    OpenedRead reading = shortcuts.open("a");
    files.invalidate("a");
    assertNull(shortcuts.open("a"));
    assertTrue(shared.channel().isOpen(), "its reader still reads it");
    reading.close();
    assertFalse(shared.channel().isOpen());
  }

  @Test
  void aReplacedClosedOrClearedVersionHasNoShortcut(@TempDir Path dir) throws Exception {
    ReadShortcuts shortcuts = new ReadShortcuts();
    OpenFiles files = new OpenFiles(1, SECOND, shortcuts);
    long now = System.nanoTime();
    SharedFile first = open(dir.resolve("a"), now);
    files.put("a", first);
    SharedFile second = open(dir.resolve("a2"), now);
    files.put("a", second);
    assertSame(second.channel(), shortcuts.open("a").channel(), "the newer version");
    files.put("b", open(dir.resolve("b"), now));
    assertNull(shortcuts.open("a"), "closed beyond the capacity");
    assertNotNull(shortcuts.open("b"));
    files.clear();
    assertNull(shortcuts.open("b"));
  }

  @Test
  void aChannelWhoseLastReferenceIsGoneCannotBeTakenAgain(@TempDir Path dir) throws Exception {
    SharedFile shared = open(dir.resolve("a"), 0);
    assertTrue(shared.tryRetain());
    shared.release();
    shared.release();
    assertFalse(shared.tryRetain());
    assertFalse(shared.channel().isOpen());
    assertFalse(shared.hasSize(), "the file the size is read from is closed with its channel");
  }
}
