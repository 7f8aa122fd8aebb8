package org.packagerepository.storage.cache;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.packagerepository.metrics.Metrics;
import org.packagerepository.storage.OpenedRead;
import org.packagerepository.storage.ReadShortcuts;
import org.packagerepository.storage.PackageInfo;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads of a remote store's packages through a {@link CacheDirectory}: a cached version is opened for the kernel's
 * sendfile; a version not cached is copied into the cache by one {@link CacheFill}, which every concurrent reader of
 * that version follows, so that N readers cost the store exactly one GET. When the cache has no room, reads stream
 * from the store as they would without a cache. Used from one context (the storage verticle's).
 */
public final class CachedReads extends RemoteReads {

  /** What the cache did, for the counters of the HTTP side. */
  public record Counters(long hits, long misses, long coalesced, long bypassed, long storeBytes) {
  }

  private final Context context;
  private final CacheDirectory cache;
  private final Store store;
  /** The fills in progress (or about to start), by version. */
  private final Map<String, Future<CacheFill>> fills = new HashMap<>();
  private final OpenVersions open;
  /** Counted also by readers that open a cached version themselves (on the HTTP event loops). */
  private final java.util.concurrent.atomic.LongAdder hits = new java.util.concurrent.atomic.LongAdder();
  private volatile long misses;
  private volatile long coalesced;
  private volatile long bypassed;
  private volatile long storeBytes;

  public CachedReads(Context context, CacheDirectory cache, Store store) {
    super(context.owner());
    this.context = context;
    this.cache = cache;
    this.store = store;
    this.open = new OpenVersions(context.owner());
  }

  /** Counts for Prometheus, read when scraped (written by one event loop, hence volatile). */
  CachedReads withMetrics() {
    MeterRegistry meters = Metrics.registry(context.owner());
    FunctionCounter.builder("pr_cache_hits", this, c -> c.hits.sum())
      .description("Reads answered from the cache").register(meters);
    FunctionCounter.builder("pr_cache_misses", this, c -> c.misses)
      .description("Versions copied from the store into the cache").register(meters);
    FunctionCounter.builder("pr_cache_coalesced", this, c -> c.coalesced)
      .description("Reads that followed a copy already running").register(meters);
    FunctionCounter.builder("pr_cache_bypassed", this, c -> c.bypassed)
      .description("Reads streamed from the store because the cache had no room").register(meters);
    FunctionCounter.builder("pr_cache_store_bytes", this, c -> c.storeBytes)
      .description("Bytes read from the store through the cache").baseUnit("bytes").register(meters);
    Gauge.builder("pr_cache_used_bytes", this, CachedReads::usedBytes)
      .description("Bytes of the versions in the cache").baseUnit("bytes").register(meters);
    return this;
  }

  /** Closes the versions kept open; reads in progress keep theirs until they end. */
  @Override
  public void close() {
    open.closeAll();
  }

  /** The bytes of the versions in the cache. */
  public long usedBytes() {
    return cache.usedBytes();
  }

  public Counters cacheCounters() {
    return new Counters(hits.sum(), misses, coalesced, bypassed, storeBytes);
  }

  @Override
  public JsonObject counters() {
    return new JsonObject().put("cache", new JsonObject().put("enabled", true).put("hits", hits.sum())
      .put("misses", misses).put("coalesced", coalesced).put("bypassed", bypassed)
      .put("storeBytes", storeBytes).put("usedBytes", usedBytes()));
  }

  @Override
  public Future<OpenedRead> open(PackageInfo info) {
    return openCached(info).map(opened -> opened != null ? opened : new OpenedRead(info));
  }

  /**
   * The cached, verified version {@code info} opened for sendfile (held in the cache until the read is closed), or
   * null when it is not cached. A version read a moment ago is still open: a hit then costs no trip to a worker thread.
   */
  public Future<OpenedRead> openCached(PackageInfo info) {
    return openCached(info, true);
  }

  /** @param countHit false when the read was already counted (as a follower of a fill that has just ended) */
  private Future<OpenedRead> openCached(PackageInfo info, boolean countHit) {
    CacheDirectory.Entry cachedEntry = cache.lookup(info.file(), info.etag());
    if (cachedEntry == null) {
      return Future.succeededFuture();   // a miss costs no trip to a worker thread
    }
    OpenVersions.Open reused = open.retain(cachedEntry);
    if (reused != null) {
      return Future.succeededFuture(hit(info, reused, countHit));
    }
    return context.owner().executeBlocking(() -> {
      CacheDirectory.Entry entry = cache.lookup(info.file(), info.etag());
      if (entry == null || !cache.verify(entry)) {
        return null;
      }
      try {
        return new Opened(entry, FileChannel.open(entry.path(), StandardOpenOption.READ));
      } catch (IOException e) {
        return null;   // evicted meanwhile
      }
    }, false).map(opened -> opened == null ? null : hit(info, open.add(opened.entry, opened.channel), countHit));
  }

  /**
   * A shortcut to cached version {@code info} while this context has it open, for readers that open it themselves
   * (see {@link org.packagerepository.storage.ReadShortcuts}) until {@code untilNanos}; null when it is not open here.
   * Such a read is a hit like any other: counted, and the version pinned in the cache until the read is closed.
   */
  @Override
  public ReadShortcuts.Shortcut shortcut(PackageInfo info, long untilNanos) {
    CacheDirectory.Entry entry = cache.lookup(info.file(), info.etag());
    OpenVersions.Open version = entry == null ? null : open.current(entry);
    if (version == null) {
      return null;
    }
    return () -> {
      if (System.nanoTime() >= untilNanos || !version.tryRetain()) {
        return null;
      }
      version.touch();
      hits.increment();
      cache.pin(entry);
      return new OpenedRead(info, version.channel(), () -> {
        cache.unpin(entry);
        version.release();
      });
    };
  }

  private record Opened(CacheDirectory.Entry entry, FileChannel channel) {
  }

  /** A read of an open version, which pins it in the cache until the read is closed. */
  private OpenedRead hit(PackageInfo info, OpenVersions.Open version, boolean count) {
    if (count) {
      hits.increment();
    }
    cache.pin(version.entry);
    return new OpenedRead(info, version.channel(), () -> {
      cache.unpin(version.entry);
      version.release();
    });
  }

  /**
   * Version {@code info} for a reader that sends a local file itself: the cached file, or, while the version's one
   * fill runs, its part file as it grows (started by this read when none runs); null when there is neither (no room
   * in the cache: the reader streams from the store with {@link #stream}).
   */
  @Override
  public Future<OpenedRead> follow(PackageInfo info) {
    if (info.size() == 0) {
      return Future.succeededFuture();   // nothing to copy: streamed, which asks the store whether it is still so
    }
    return openCached(info).compose(hit -> hit != null ? Future.succeededFuture(hit) : fill(info).compose(fill -> {
      if (fill == null) {
        return openCached(info);   // cached meanwhile, or no room
      }
      return fill.follow().compose(follower -> follower == null
        ? openCached(info, false)   // just ended: counted as its follower already
        : Future.succeededFuture(new OpenedRead(info, follower.channel(), follower, follower::release)));
    }));
  }

  /** Bytes {@code [offset, offset + length)} of version {@code info}: from the cache, a fill, or the store. */
  @Override
  public Future<ReadStream<Buffer>> stream(PackageInfo info, long offset, long length) {
    return serve(fill(info), info, offset, length);
  }

  /**
   * The one fill of version {@code info}: the one running, or one started now; null when none is needed (cached
   * meanwhile) or possible (no room).
   */
  private Future<CacheFill> fill(PackageInfo info) {
    String version = info.file() + "\u0000" + info.etag();
    Future<CacheFill> running = fills.get(version);
    if (running != null) {
      coalesced++;
      return running;
    }
    Future<CacheFill> started = context.owner().executeBlocking(() -> {
      CacheDirectory.Entry entry = cache.lookup(info.file(), info.etag());
      if (entry != null && cache.verify(entry)) {
        return Boolean.TRUE;   // filled meanwhile
      }
      return cache.reserve(info.size()) ? Boolean.FALSE : null;
    }, false).compose(state -> {
      if (state == null || state) {
        return Future.succeededFuture(null);   // no room, or cached meanwhile: no fill
      }
      misses++;
      // The fill gets its part file ready while the store answers; it gives the room back should the fetch fail.
      Future<ReadStream<Buffer>> answer = store.fetch(info.file(), info.etag(), 0, info.size()).map(this::counted);
      CacheFill fill = CacheFill.start(context, cache, info.file(), info.etag(), info.size(), info.sha256(), answer);
      return answer.map(source -> fill);
    });
    fills.put(version, started);
    started.onComplete(ar -> {
      if (ar.failed() || ar.result() == null) {
        fills.remove(version, started);
      } else {
        ar.result().done().onComplete(done -> fills.remove(version, started));
      }
    });
    return started;
  }

  /** Follows the fill; without one (no room, or filled meanwhile), reads the cached file or the store. */
  private Future<ReadStream<Buffer>> serve(Future<CacheFill> fill, PackageInfo info, long offset, long length) {
    return fill.compose(running -> {
      if (running != null) {
        return Future.succeededFuture(running.reader(offset, length));
      }
      CacheDirectory.Entry entry = cache.lookup(info.file(), info.etag());
      if (entry != null) {
        hits.increment();
        // Not created if it is gone (OpenOptions creates by default): an empty file would read as a short package.
        return context.owner().fileSystem().open(entry.path().toString(),
            new OpenOptions().setRead(true).setWrite(false).setCreate(false))
          .map(file -> (ReadStream<Buffer>) file.setReadPos(offset).setReadLength(length))
          // Gone meanwhile (this server changed the package, or evicted it): the store still has it.
          .recover(e -> store.fetch(info.file(), info.etag(), offset, length).map(this::counted));
      }
      bypassed++;
      return store.fetch(info.file(), info.etag(), offset, length).map(this::counted);
    });
  }

  /** This server changed or deleted {@code file}: its cached versions go. */
  @Override
  public Future<Void> changed(String file) {
    open.drop(file);
    return context.owner().executeBlocking(() -> {
      cache.removeAll(file);
      return null;
    }, false);
  }

  private ReadStream<Buffer> counted(ReadStream<Buffer> source) {
    return new CountingReadStream(source, n -> storeBytes += n);
  }
}
