package org.packagerepository.storage.cache;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.packagerepository.http.Eventually;
import org.packagerepository.http.TestBytes;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CacheFillTest {

  @TempDir
  Path dir;
  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private <T> T on(Callable<T> action) throws Exception {
    return TestStreams.on(context, action);
  }

  private static void within10s(java.util.function.BooleanSupplier condition) throws Throwable {
    Eventually.within(java.time.Duration.ofSeconds(10), () -> assertTrue(condition.getAsBoolean()));
  }

  /** A fill of {@code size} bytes started from a feed the test pushes, once the fill reads from it. */
  private record Started(CacheDirectory cache, TestStreams.Feed feed, CacheFill fill) {
  }

  private Started startFill(long size, String sha256) throws Throwable {
    CacheDirectory cache = CacheDirectory.open(dir, 1 << 24);
    assertTrue(cache.reserve(size));
    TestStreams.Feed feed = new TestStreams.Feed();
    CacheFill fill = on(() -> CacheFill.start(context, cache, "app-1.tar.gz", "e1", size, sha256, feed));
    within10s(() -> feed.attached());
    return new Started(cache, feed, fill);
  }

  @Test
  void readersGetBytesWhileTheFillRunsAndTheirEndOnlyOnceItIsVerifiedAndCached() throws Throwable {
    CacheDirectory cache = CacheDirectory.open(dir, 1 << 24);
    byte[] bytes = TestBytes.random(300_000, 1);
    assertTrue(cache.reserve(bytes.length));
    TestStreams.Feed feed = new TestStreams.Feed();
    CacheFill fill = on(() -> CacheFill.start(context, cache, "app-1.tar.gz", "e1", bytes.length,
      TestBytes.sha256Hex(bytes), feed));
    within10s(() -> feed.attached());
    TestStreams.Collected whole = on(() -> TestStreams.Collected.from(fill.reader(0, bytes.length)));
    TestStreams.Collected range = on(() -> TestStreams.Collected.from(fill.reader(1000, 999)));

    on(() -> {
      feed.push(Buffer.buffer(Arrays.copyOfRange(bytes, 0, 100_000)));
      return null;
    });
    within10s(() -> whole.size() == 100_000);
    within10s(() -> range.size() == 999);
    assertFalse(range.ended.isDone(), "the range's bytes are there, but the fill is not verified yet");

    on(() -> {
      feed.push(Buffer.buffer(Arrays.copyOfRange(bytes, 100_000, bytes.length)));
      feed.end();
      return null;
    });
    assertArrayEquals(bytes, whole.ended.get(10, TimeUnit.SECONDS));
    assertArrayEquals(Arrays.copyOfRange(bytes, 1000, 1999), range.ended.get(10, TimeUnit.SECONDS));
    CacheDirectory.Entry entry = fill.done().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertArrayEquals(bytes, Files.readAllBytes(entry.path()));
    assertNotNull(cache.lookup("app-1.tar.gz", "e1"));

    // A reader that comes after the fill reads the cached file.
    TestStreams.Collected late = on(() -> TestStreams.Collected.from(fill.reader(5, 10)));
    assertArrayEquals(Arrays.copyOfRange(bytes, 5, 15), late.ended.get(10, TimeUnit.SECONDS));
  }

  @Test
  void aReaderNeverReadsAHoleWhenWritesCompleteOutOfOrder() throws Throwable {
    // Many small writes at once: the file's writes run on several worker threads and may complete in any order.
    CacheDirectory cache = CacheDirectory.open(dir, 1 << 24);
    byte[] bytes = TestBytes.random(2_000 * 512, 4);
    assertTrue(cache.reserve(bytes.length));
    TestStreams.Feed feed = new TestStreams.Feed();
    CacheFill fill = on(() -> CacheFill.start(context, cache, "app-1.tar.gz", "e1", bytes.length,
      TestBytes.sha256Hex(bytes), feed));
    within10s(() -> feed.attached());
    TestStreams.Collected reader = on(() -> TestStreams.Collected.from(fill.reader(0, bytes.length)));
    on(() -> {
      for (int i = 0; i < 2_000; i++) {
        feed.push(Buffer.buffer(Arrays.copyOfRange(bytes, i * 512, (i + 1) * 512)));
      }
      feed.end();
      return null;
    });
    assertArrayEquals(bytes, reader.ended.get(10, TimeUnit.SECONDS));
  }

  @Test
  void bytesThatAreNotTheVersionFailItsReadersAndLeaveNothing() throws Throwable {
    CacheDirectory cache = CacheDirectory.open(dir, 1 << 24);
    byte[] bytes = TestBytes.random(10_000, 2);
    assertTrue(cache.reserve(bytes.length));
    TestStreams.Feed feed = new TestStreams.Feed();
    CacheFill fill = on(() -> CacheFill.start(context, cache, "app-1.tar.gz", "e1", bytes.length,
      TestBytes.sha256Hex(new byte[1]), feed));
    within10s(() -> feed.attached());
    TestStreams.Collected reader = on(() -> TestStreams.Collected.from(fill.reader(0, bytes.length)));
    on(() -> {
      feed.push(Buffer.buffer(bytes));
      feed.end();
      return null;
    });
    assertThrows(Exception.class, () -> reader.ended.get(10, TimeUnit.SECONDS));
    assertTrue(reader.size() < bytes.length, "the last byte waits for the check: a client counting bytes never sees it whole");
    assertThrows(Exception.class, () -> fill.done().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertNull(cache.lookup("app-1.tar.gz", "e1"));
    assertNothingOnDisk();
    assertTrue(cache.reserve(1 << 24), "the reservation was given back");
  }

  @Test
  void aStoreThatFailsOrSendsTooLittleFailsTheReadersThatDependOnIt() throws Throwable {
    CacheDirectory cache = CacheDirectory.open(dir, 1 << 24);
    for (boolean cut : new boolean[] {true, false}) {
      byte[] bytes = TestBytes.random(10_000, 3);
      assertTrue(cache.reserve(bytes.length));
      TestStreams.Feed feed = new TestStreams.Feed();
      CacheFill fill = on(() -> CacheFill.start(context, cache, "app-1.tar.gz", "e1", bytes.length, null, feed));
      within10s(() -> feed.attached());
      TestStreams.Collected reader = on(() -> TestStreams.Collected.from(fill.reader(0, bytes.length)));
      on(() -> {
        feed.push(Buffer.buffer(Arrays.copyOf(bytes, 4000)));
        return null;
      });
      within10s(() -> reader.size() == 4000);
      on(() -> {
        if (cut) {
          feed.fail(new java.io.IOException("connection reset"));
        } else {
          feed.end();
        }
        return null;
      });
      assertThrows(Exception.class, () -> reader.ended.get(10, TimeUnit.SECONDS),
        cut ? "the store went away" : "short: the store sent less than the version's size");
      assertNull(cache.lookup("app-1.tar.gz", "e1"));
      assertNothingOnDisk();
    }
  }

  /** What a follower may send now, read through its channel as a sendfile would. */
  private static byte[] availableBytes(CacheFill.Follower follower) throws java.io.IOException {
    java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate((int) follower.available());
    while (bytes.hasRemaining()) {
      if (follower.channel().read(bytes, bytes.position()) < 0) {
        throw new java.io.EOFException();
      }
    }
    return bytes.array();
  }

  @Test
  void aFollowerSendsWhatIsOnDiskButTheLastByteOnlyOnceTheVersionIsVerified() throws Throwable {
    byte[] bytes = TestBytes.random(300_000, 5);
    Started started = startFill(bytes.length, TestBytes.sha256Hex(bytes));
    TestStreams.Feed feed = started.feed();
    CacheFill fill = started.fill();
    CacheFill.Follower follower = on(() -> fill.follow()).toCompletionStage().toCompletableFuture()
      .get(10, TimeUnit.SECONDS);
    assertEquals(0, follower.available());
    CompletableFuture<Void> beyondStart = new CompletableFuture<>();
    follower.whenBeyond(0, () -> beyondStart.complete(null));
    assertFalse(beyondStart.isDone(), "nothing written yet");

    on(() -> {
      feed.push(Buffer.buffer(Arrays.copyOfRange(bytes, 0, 100_000)));
      return null;
    });
    beyondStart.get(10, TimeUnit.SECONDS);
    within10s(() -> follower.available() == 100_000);
    assertArrayEquals(Arrays.copyOf(bytes, 100_000), availableBytes(follower));

    CompletableFuture<Void> completed = new CompletableFuture<>();
    follower.whenBeyond(Long.MAX_VALUE, () -> completed.complete(null));
    on(() -> {
      feed.push(Buffer.buffer(Arrays.copyOfRange(bytes, 100_000, bytes.length)));
      return null;
    });
    within10s(() -> follower.available() == bytes.length - 1);
    assertFalse(follower.complete(), "every byte is written, but the version is not verified yet: its last byte waits");
    assertFalse(completed.isDone());

    on(() -> {
      feed.end();
      return null;
    });
    completed.get(10, TimeUnit.SECONDS);
    assertTrue(follower.complete());
    assertNull(follower.failure());
    assertArrayEquals(bytes, availableBytes(follower));
    fill.done().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertNull(on(() -> fill.follow()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS),
      "a fill that is over has nothing to follow: the cached file serves");

    assertTrue(follower.channel().isOpen(), "kept open for the follower after the fill");
    follower.release();
    within10s(() -> !follower.channel().isOpen());
  }

  @Test
  void aFillThatFailsFailsItsFollowersAndTheirWaits() throws Throwable {
    byte[] bytes = TestBytes.random(10_000, 6);
    Started started = startFill(bytes.length, TestBytes.sha256Hex(new byte[1]));
    TestStreams.Feed feed = started.feed();
    CacheFill fill = started.fill();
    CacheFill.Follower follower = on(() -> fill.follow()).toCompletionStage().toCompletableFuture()
      .get(10, TimeUnit.SECONDS);
    CompletableFuture<Void> woken = new CompletableFuture<>();
    follower.whenBeyond(Long.MAX_VALUE, () -> woken.complete(null));
    on(() -> {
      feed.push(Buffer.buffer(bytes));
      feed.end();
      return null;
    });
    woken.get(10, TimeUnit.SECONDS);
    assertNotNull(follower.failure(), "the bytes are not the version's");
    assertFalse(follower.complete());
    assertTrue(follower.available() < bytes.length, "the last byte was never offered");
    follower.release();
    assertNothingOnDisk();
  }

  private void assertNothingOnDisk() throws Throwable {
    within10s(() -> {
      try (Stream<Path> files = Files.list(dir)) {
        return files.findAny().isEmpty();
      } catch (java.io.IOException e) {
        return false;
      }
    });
  }
}
