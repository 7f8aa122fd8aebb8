package org.packagerepository.retention;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.packagerepository.http.TestServer;
import org.packagerepository.storage.StorageAddresses;
import org.packagerepository.storage.StorageClient;
import org.packagerepository.storage.StorageError;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Last-download times against a stand-in for storage on the event bus that holds one state object: what a flush
 * writes, when it writes at all, and how it merges with what another member stored.
 */
class DownloadTimesTest {

  private static final long DAY = 86_400_000L;

  private final Vertx vertx = Vertx.vertx();
  private final AtomicLong now = new AtomicLong(1_750_000_000_000L);
  private final InstantSource clock = new InstantSource() {
    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(now.get());
    }

    @Override
    public long millis() {
      return now.get();
    }
  };
  /** What the stand-in holds as the state object; null: none. */
  private JsonObject stored;
  private final List<JsonObject> writes = new ArrayList<>();
  private boolean failWrites;
  private StorageClient storage;

  @BeforeEach
  void standInForStorage() throws Exception {
    TestServer.await(vertx.eventBus().<JsonObject>localConsumer(StorageAddresses.READ_STATE, m -> {
      if (!DownloadTimes.STATE.equals(m.body().getString("name"))) {
        m.fail(StorageError.INVALID_NAME.code(), "another state: " + m.body().getString("name"));
        return;
      }
      m.reply(stored == null ? new JsonObject() : new JsonObject().put("state", stored.copy()));
    }).completion());
    TestServer.await(vertx.eventBus().<JsonObject>localConsumer(StorageAddresses.WRITE_STATE, m -> {
      if (failWrites) {
        m.fail(StorageError.UNAVAILABLE.code(), "the store is away");
        return;
      }
      stored = m.body().getJsonObject("state").copy();
      writes.add(stored);
      m.reply(new JsonObject());
    }).completion());
    storage = new StorageClient(vertx);
  }

  @AfterEach
  void close() throws Exception {
    TestServer.await(vertx.close());
  }

  @Test
  void aDownloadKeepsTheLatestTimeOfItsPackage() {
    DownloadTimes times = new DownloadTimes(clock);
    assertNull(times.lastDownload("app-1.0.0.tar.gz"));

    times.record("app-1.0.0.tar.gz");
    long first = now.get();
    now.addAndGet(1000);
    times.record("app-1.0.0.tar.gz");

    assertEquals(first + 1000, times.lastDownload("app-1.0.0.tar.gz"));
  }

  @Test
  void aFlushMergesWithWhatAnotherMemberStoredTheLaterTimeWinning() throws Exception {
    stored = new JsonObject().put("app-1.0.0.tar.gz", now.get() - 10).put("lib-1.0.0.tar.gz", now.get() - 20)
      .put("not a package", 5L);
    DownloadTimes times = new DownloadTimes(clock);
    times.record("app-1.0.0.tar.gz");
    times.record("web-1.0.0.tar.gz");

    TestServer.await(times.flush(vertx, storage, -1));

    JsonObject expected = new JsonObject().put("app-1.0.0.tar.gz", now.get()).put("lib-1.0.0.tar.gz", now.get() - 20)
      .put("web-1.0.0.tar.gz", now.get());
    assertEquals(expected, stored);
    // and what the other member stored is known here now
    assertEquals(now.get() - 20, times.lastDownload("lib-1.0.0.tar.gz"));
  }

  @Test
  void nothingIsWrittenWhenNoDownloadWasRecordedSinceTheLastFlush() throws Exception {
    DownloadTimes times = new DownloadTimes(clock);
    TestServer.await(times.flush(vertx, storage, -1));
    assertEquals(List.of(), writes);

    times.record("app-1.0.0.tar.gz");
    TestServer.await(times.flush(vertx, storage, -1));
    TestServer.await(times.flush(vertx, storage, -1));
    assertEquals(1, writes.size());
  }

  @Test
  void timesOlderThanKeepDownloadedDaysAreLeftOutAsTheyKeepNothing() throws Exception {
    stored = new JsonObject().put("old-1.0.0.tar.gz", now.get() - 15 * DAY);
    DownloadTimes times = new DownloadTimes(clock);
    times.record("app-1.0.0.tar.gz");

    TestServer.await(times.flush(vertx, storage, 14 * DAY));

    assertEquals(new JsonObject().put("app-1.0.0.tar.gz", now.get()), stored);
    assertNull(times.lastDownload("old-1.0.0.tar.gz"));
  }

  @Test
  void aFlushThatFailsLeavesItsTimesForTheNext() throws Exception {
    DownloadTimes times = new DownloadTimes(clock);
    times.record("app-1.0.0.tar.gz");
    failWrites = true;
    try {
      TestServer.await(times.flush(vertx, storage, -1));
    } catch (Exception expected) {
      // the store is away
    }
    assertEquals(List.of(), writes);

    failWrites = false;
    TestServer.await(times.flush(vertx, storage, -1));
    assertEquals(List.of(new JsonObject().put("app-1.0.0.tar.gz", now.get())), writes);
  }
}
