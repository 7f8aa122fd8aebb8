package org.packagerepository.storage.cache;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.packagerepository.http.Eventually;
import org.packagerepository.http.TestBytes;
import org.packagerepository.storage.OpenedRead;
import org.packagerepository.storage.PackageInfo;
import org.packagerepository.storage.StorageError;
import org.packagerepository.storage.StorageException;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CachedReadsTest {

  @TempDir
  Path dir;
  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final byte[] bytes = TestBytes.random(200_000, 7);
  private final PackageInfo info = new PackageInfo("app-1.0.tar.gz", bytes.length, 0, TestBytes.sha256Hex(bytes),
    TestBytes.sha256Hex(bytes));
  /** What the store was asked for: offset and length of each fetch; and the answers, fed by the test. */
  private final List<long[]> fetches = new CopyOnWriteArrayList<>();
  private final List<TestStreams.Feed> answers = new CopyOnWriteArrayList<>();
  private volatile boolean storeDown;

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private CachedReads reads(long cacheBytes) throws Exception {
    CacheDirectory cache = CacheDirectory.open(dir, cacheBytes);
    return new CachedReads(context, cache, (file, etag, offset, length) -> {
      fetches.add(new long[] {offset, length});
      if (storeDown) {
        return Future.failedFuture(new StorageException(StorageError.UNAVAILABLE, "the store is down"));
      }
      TestStreams.Feed feed = new TestStreams.Feed();
      answers.add(feed);
      return Future.succeededFuture(feed);
    });
  }

  private <T> T on(Callable<T> action) throws Exception {
    return TestStreams.on(context, action);
  }

  /** Sends {@code [from, to)} of the package as the store's answer {@code index}, then ends it. */
  private void answer(int index, int from, int to) throws Throwable {
    Eventually.within(Duration.ofSeconds(10), () -> assertEquals(true, answers.size() > index
      && answers.get(index).attached()));
    on(() -> {
      answers.get(index).push(Buffer.buffer(Arrays.copyOfRange(bytes, from, to)));
      answers.get(index).end();
      return null;
    });
  }

  @Test
  void concurrentReadersOfAVersionNotCachedCostTheStoreOneGetAndAllGetExactBytes() throws Throwable {
    CachedReads reads = reads(1 << 24);
    List<TestStreams.Collected> readers = new ArrayList<>();
    List<long[]> ranges = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      long offset = i % 2 == 0 ? 0 : i * 1000L;
      long length = i % 2 == 0 ? bytes.length : 5000;
      ranges.add(new long[] {offset, length});
      readers.add(on(() -> reads.stream(info, offset, length))
        .toCompletionStage().toCompletableFuture().thenApply(TestStreams.Collected::from).get(10, TimeUnit.SECONDS));
    }
    answer(0, 0, bytes.length);
    for (int i = 0; i < 20; i++) {
      long[] r = ranges.get(i);
      assertArrayEquals(Arrays.copyOfRange(bytes, (int) r[0], (int) (r[0] + r[1])),
        readers.get(i).ended.get(10, TimeUnit.SECONDS), "reader " + i);
    }
    assertEquals(1, fetches.size(), "one GET at the store");
    assertArrayEquals(new long[] {0, bytes.length}, fetches.get(0), "of the whole version");
    CachedReads.Counters counters = reads.cacheCounters();
    assertEquals(1, counters.misses());
    assertEquals(19, counters.coalesced());
    assertEquals(bytes.length, counters.storeBytes());

    // Now cached: opened for sendfile, and the store is not asked again.
    OpenedRead opened = on(() -> reads.openCached(info)).toCompletionStage().toCompletableFuture()
      .get(10, TimeUnit.SECONDS);
    assertNotNull(opened);
    ByteBuffer all = ByteBuffer.allocate(bytes.length);
    opened.channel().read(all, 0);
    assertArrayEquals(bytes, all.array());
    OpenedRead again = on(() -> reads.openCached(info)).toCompletionStage().toCompletableFuture()
      .get(10, TimeUnit.SECONDS);
    assertSame(opened.channel(), again.channel(), "a version open now is not opened again");
    opened.close();
    assertEquals(2, reads.cacheCounters().hits());

    // This server changed the package: the cached versions go; a read in progress keeps its bytes to its end.
    on(() -> reads.changed(info.file())).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertNull(on(() -> reads.openCached(info)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    ByteBuffer still = ByteBuffer.allocate(bytes.length);
    again.channel().read(still, 0);
    assertArrayEquals(bytes, still.array());
    again.close();
    assertFalse(again.channel().isOpen(), "closed with its last reader");
  }

  @Test
  void aStoreThatFailsFailsTheReadAndTheNextReadTriesAgain() throws Throwable {
    CachedReads reads = reads(1 << 24);
    storeDown = true;
    assertThrows(Exception.class, () -> on(() -> reads.stream(info, 0, bytes.length)).toCompletionStage()
      .toCompletableFuture().get(10, TimeUnit.SECONDS));
    storeDown = false;
    TestStreams.Collected reader = TestStreams.Collected.from(on(() -> reads.stream(info, 0, bytes.length))
      .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    answer(0, 0, bytes.length);
    assertArrayEquals(bytes, reader.ended.get(10, TimeUnit.SECONDS));
    assertEquals(2, fetches.size());
  }

  @Test
  void withoutRoomInTheCacheReadsStreamFromTheStore() throws Throwable {
    CachedReads reads = reads(1000);
    TestStreams.Collected reader = TestStreams.Collected.from(on(() -> reads.stream(info, 100, 50))
      .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    answer(0, 100, 150);
    assertArrayEquals(Arrays.copyOfRange(bytes, 100, 150), reader.ended.get(10, TimeUnit.SECONDS));
    assertArrayEquals(new long[] {100, 50}, fetches.get(0), "only the range, straight from the store");
    assertEquals(1, reads.cacheCounters().bypassed());
  }
}
