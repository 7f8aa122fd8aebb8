package org.packagerepository.storage.fs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenFilesTest {

  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private static SharedFile open(Path path, long checkedAt) throws Exception {
    Files.write(path, new byte[] {1, 2, 3});
    FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
    FileIdentity identity = LocalFiles.identity(path);
    return new SharedFile(channel, identity, "sha", checkedAt);
  }

  @Test
  void aVersionCheckedRecentlyIsFreshAndAnOlderOneIsNot(@TempDir Path dir) throws Exception {
    OpenFiles files = new OpenFiles(8, SECOND);
    SharedFile shared = open(dir.resolve("a"), 0);
    files.put("a", shared);
    assertSame(shared, files.fresh("a", SECOND / 2));
    assertNull(files.fresh("a", SECOND));
    assertSame(shared, files.any("a"));
  }

  @Test
  void anUnusedVersionIsClosedSoThatADeletedFileFreesItsSpace(@TempDir Path dir) throws Exception {
    OpenFiles files = new OpenFiles(8, SECOND);
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
    OpenFiles files = new OpenFiles(8, SECOND);
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
    OpenFiles files = new OpenFiles(1, SECOND);
    SharedFile a = open(dir.resolve("a"), 0);
    SharedFile b = open(dir.resolve("b"), 0);
    files.put("a", a);
    files.put("b", b);
    assertFalse(a.channel().isOpen());
    assertTrue(b.channel().isOpen());
  }
}
