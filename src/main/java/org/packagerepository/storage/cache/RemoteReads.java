package org.packagerepository.storage.cache;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.packagerepository.metrics.Metrics;
import org.packagerepository.storage.OpenedRead;
import org.packagerepository.storage.PackageInfo;
import org.packagerepository.storage.ReadRequest;
import org.packagerepository.storage.StorageError;
import org.packagerepository.storage.StorageException;
import org.packagerepository.storage.StoreStream;
import org.packagerepository.transfer.ChunkSender;
import org.packagerepository.transfer.TransferException;
import org.packagerepository.transfer.TransferOptions;

import java.util.function.Function;

/**
 * How a remote backend (S3, Swift) answers reads: through the cache when it is on (a cached version goes out with
 * sendfile, the others through one fill per version), else straight from the store. Used from the storage verticle's
 * context.
 */
public final class RemoteReads {

  private final Vertx vertx;
  private final CachedReads cached;
  private final CachedReads.Store store;
  private final TransferOptions transferOptions;

  /** @param cached null when the cache is off */
  public RemoteReads(Vertx vertx, CachedReads cached, CachedReads.Store store, TransferOptions transferOptions) {
    this.vertx = vertx;
    this.cached = cached;
    this.store = store;
    this.transferOptions = transferOptions;
    if (cached != null) {
      register(Metrics.registry(vertx), cached);
    }
  }

  /** The cache's counters for Prometheus, read when scraped (written by one event loop, hence volatile). */
  private static void register(MeterRegistry meters, CachedReads cached) {
    FunctionCounter.builder("pr_cache_hits", cached, c -> c.counters().hits())
      .description("Reads answered from the cache").register(meters);
    FunctionCounter.builder("pr_cache_misses", cached, c -> c.counters().misses())
      .description("Versions copied from the store into the cache").register(meters);
    FunctionCounter.builder("pr_cache_coalesced", cached, c -> c.counters().coalesced())
      .description("Reads that followed a copy already running").register(meters);
    FunctionCounter.builder("pr_cache_bypassed", cached, c -> c.counters().bypassed())
      .description("Reads streamed from the store because the cache had no room").register(meters);
    FunctionCounter.builder("pr_cache_store_bytes", cached, c -> c.counters().storeBytes())
      .description("Bytes read from the store through the cache").baseUnit("bytes").register(meters);
    Gauge.builder("pr_cache_used_bytes", cached, CachedReads::usedBytes)
      .description("Bytes of the versions in the cache").baseUnit("bytes").register(meters);
  }

  /** The answer to an open-read of version {@code info}: with the cached file when there is one. */
  public Future<OpenedRead> open(PackageInfo info) {
    if (cached == null) {
      return Future.succeededFuture(new OpenedRead(info));
    }
    return cached.openCached(info).map(opened -> opened != null ? opened : new OpenedRead(info));
  }

  /**
   * Version {@code info} as a local file the reader sends itself: cached, or still filling; null when the reader must
   * stream it with {@link #read} (the cache is off or has no room).
   */
  public Future<OpenedRead> follow(PackageInfo info) {
    return cached == null ? Future.succeededFuture() : cached.follow(info);
  }

  /**
   * Streams the request's bytes on its transfer, once the version asked for is the package's current one.
   *
   * @param stat what the store says of the package: what it said a moment ago (the reader's own open-read), or, with
   *             {@code true}, what it says now
   */
  public Future<Void> read(ReadRequest request, Function<Boolean, Future<PackageInfo>> stat) {
    String file = request.file();
    if (request.offset() < 0 || request.length() < 0) {
      return Future.failedFuture(new StorageException(StorageError.INTERNAL, "The range is outside the package"));
    }
    // An empty read has no GET to check the version with: it asks the store.
    return stat.apply(request.length() == 0).compose(info -> {
      if (!info.etag().equals(request.etag())) {
        return Future.failedFuture(new StorageException(StorageError.CHANGED, file + " has changed"));
      }
      if (request.length() == 0) {
        ChunkSender.create(vertx, request.transfer(), transferOptions).end();
        return Future.succeededFuture();
      }
      return stream(request, info);
    });
  }

  private Future<Void> stream(ReadRequest request, PackageInfo info) {
    Future<ReadStream<Buffer>> source = cached != null
      ? cached.read(info, request.offset(), request.length())
      : store.fetch(info.file(), info.etag(), request.offset(), request.length());
    return source.map(stream -> {
      ChunkSender sender = ChunkSender.create(vertx, request.transfer(), transferOptions);
      stream.pipe().endOnFailure(false).to(sender).onComplete(ar -> {
        if (ar.failed()) {
          if (stream instanceof StoreStream cancellable) {
            cancellable.cancel();
          }
          if (!(ar.cause() instanceof TransferException)) {
            StorageException error = ar.cause() instanceof StorageException se ? se
              : new StorageException(StorageError.UNAVAILABLE, ar.cause().getMessage());
            sender.cancel(error.error().transferCode(), "Reading the package failed: " + error.getMessage());
          }
        }
      });
      return null;
    });
  }

  /** The verticle stops. */
  public void close() {
    if (cached != null) {
      cached.close();
    }
  }

  /** This server changed or deleted {@code file}. */
  public Future<Void> changed(String file) {
    return cached == null ? Future.succeededFuture() : cached.changed(file);
  }

  /** The cache's counters as JSON ({@code {"cache": {...}}}); {@code {"cache": {"enabled": false}}} without one. */
  public JsonObject counters() {
    if (cached == null) {
      return new JsonObject().put("cache", new JsonObject().put("enabled", false));
    }
    CachedReads.Counters c = cached.counters();
    return new JsonObject().put("cache", new JsonObject().put("enabled", true).put("hits", c.hits())
      .put("misses", c.misses()).put("coalesced", c.coalesced()).put("bypassed", c.bypassed())
      .put("storeBytes", c.storeBytes()).put("usedBytes", cached.usedBytes()));
  }
}
