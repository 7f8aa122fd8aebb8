package org.packagerepository.storage.cache;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import org.packagerepository.config.ConfigException;
import org.packagerepository.storage.OpenedRead;
import org.packagerepository.storage.PackageInfo;
import org.packagerepository.storage.ReadRequest;
import org.packagerepository.storage.StorageError;
import org.packagerepository.storage.StorageException;
import org.packagerepository.storage.driver.StoreStream;
import org.packagerepository.transfer.ChunkSender;
import org.packagerepository.transfer.TransferException;
import org.packagerepository.transfer.TransferOptions;

import java.util.function.Function;

/**
 * How a remote backend (S3, Swift) answers reads: through its cache ({@link CachedReads}), or, with the cache off,
 * straight from the store ({@link StoreReads}). Used from the storage verticle's context.
 */
public abstract class RemoteReads {

  /** The store behind the reads. */
  public interface Store {
    /** Bytes {@code [offset, offset + length)} of version {@code etag} of {@code file}; failed if it has changed. */
    Future<ReadStream<Buffer>> fetch(String file, String etag, long offset, long length);
  }

  private final Vertx vertx;
  private final TransferOptions transferOptions = new TransferOptions();

  RemoteReads(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The reads {@code settings} ask for: the cache is opened, and checked, off the event loop. */
  public static Future<RemoteReads> open(Vertx vertx, Context context, CacheSettings settings, Store store) {
    if (!settings.enabled()) {
      return Future.succeededFuture(new StoreReads(vertx, store));
    }
    return vertx.executeBlocking(() -> {
      try {
        return CacheDirectory.open(settings.path(), settings.maxBytes());
      } catch (java.io.IOException e) {
        throw new ConfigException("The cache directory " + settings.path().toAbsolutePath() + " cannot be used ("
          + e.getMessage() + "); set cache.path to a writable directory, or cache.enabled to false");
      }
    }, false).map(directory -> new CachedReads(context, directory, store).withMetrics());
  }

  /** The answer to an open-read of version {@code info}: with a local file when there is one. */
  public abstract Future<OpenedRead> open(PackageInfo info);

  /**
   * Version {@code info} as a local file the reader sends itself, which may still be growing; null when the reader
   * must stream it with {@link #read}.
   */
  public abstract Future<OpenedRead> follow(PackageInfo info);

  /** Bytes {@code [offset, offset + length)} of version {@code info}, as a stream. */
  abstract Future<ReadStream<Buffer>> stream(PackageInfo info, long offset, long length);

  /** This server changed or deleted {@code file}. */
  public abstract Future<Void> changed(String file);

  /**
   * A shortcut to version {@code info}, opened for readers that open it themselves until {@code untilNanos}
   * (System.nanoTime()); null, as here, when the reads cannot give one (nothing local to open).
   */
  public org.packagerepository.storage.ReadShortcuts.Shortcut shortcut(PackageInfo info, long untilNanos) {
    return null;
  }

  /** What the reads count, as JSON: {@code {"cache": {...}}}. */
  public abstract JsonObject counters();

  /** The verticle stops. */
  public abstract void close();

  /**
   * Streams the request's bytes on its transfer, once the version asked for is the package's current one.
   *
   * @param stat what the store says of the package: what it said a moment ago (the reader's own open-read), or, with
   *             {@code true}, what it says now
   */
  public final Future<Void> read(ReadRequest request, Function<Boolean, Future<PackageInfo>> stat) {
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
      return stream(info, request.offset(), request.length()).map(source -> {
        send(source, ChunkSender.create(vertx, request.transfer(), transferOptions));
        return null;
      });
    });
  }

  private static void send(ReadStream<Buffer> source, ChunkSender sender) {
    source.pipe().endOnFailure(false).to(sender).onComplete(ar -> {
      if (ar.failed()) {
        if (source instanceof StoreStream cancellable) {
          cancellable.cancel();
        }
        if (!(ar.cause() instanceof TransferException)) {
          StorageException error = ar.cause() instanceof StorageException se ? se
            : new StorageException(StorageError.UNAVAILABLE, ar.cause().getMessage());
          sender.cancel(error.error().transferCode(), "Reading the package failed: " + error.getMessage());
        }
      }
    });
  }
}
