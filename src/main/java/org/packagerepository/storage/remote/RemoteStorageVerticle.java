package org.packagerepository.storage.remote;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import org.packagerepository.storage.OpenedRead;
import org.packagerepository.storage.ReadShortcuts;
import org.packagerepository.storage.PackageInfo;
import org.packagerepository.storage.ReadRequest;
import org.packagerepository.storage.StorageError;
import org.packagerepository.storage.StorageException;
import org.packagerepository.storage.cache.CacheSettings;
import org.packagerepository.storage.cache.RemoteReads;
import org.packagerepository.storage.driver.StorageVerticle;
import org.packagerepository.storage.driver.Upload;

import java.util.HashMap;
import java.util.Map;

/**
 * Base of the storage verticles of remote stores. What the store says of a package is asked at most once per
 * revalidation interval however many download it ({@link RecentStats}); reads go through the cache, or straight to the
 * store when it is off ({@link RemoteReads}); and since a listing carries no metadata, the SHA-256 of each version this
 * server wrote or looked at is remembered by the store's own entity tag of that version. A backend supplies how to ask
 * the store ({@link #head}), how to fetch a range of a version ({@link #fetch}), and the write steps.
 *
 * @param <V> what the store says of a version
 * @param <U> the backend's upload
 */
public abstract class RemoteStorageVerticle<V extends RemoteVersion, U extends Upload> extends StorageVerticle<V, U> {

  private final CacheSettings cacheSettings;
  private final RecentStats<V> stats;
  private final Map<String, Known> checksums = new HashMap<>();
  /** The verticle's context, on which the store's answers are handled. */
  protected Context context;
  private RemoteReads reads;
  private ReadShortcuts shortcuts;
  /** The shortcuts published, by package: withdrawn when what they rest on changes. */
  private final Map<String, ReadShortcuts.Shortcut> published = new HashMap<>();

  protected RemoteStorageVerticle(CacheSettings cacheSettings) {
    super(cacheSettings.revalidateNanos());
    this.cacheSettings = cacheSettings;
    this.stats = new RecentStats<>(cacheSettings.revalidateNanos());
  }

  /** What the store says of {@code file} now; fails with {@link StorageError#NOT_FOUND} when it holds none. */
  protected abstract Future<V> head(String file);

  /**
   * Bytes {@code [offset, offset + length)} of version {@code etag} of {@code file}: fails with
   * {@link StorageError#CHANGED} (after {@link #forget}ting what was said of it) when the store serves another one.
   */
  protected abstract Future<ReadStream<Buffer>> fetch(String file, String etag, long offset, long length);

  /**
   * What a read that this server has not cached reads: the version from its owner among the instances of a cluster
   * (who reads the store once for all of them), going on from the store should the owner stop sending; else from the
   * store.
   */
  private Future<ReadStream<Buffer>> fetchOnce(String file, String etag, long offset, long length) {
    return coordination().fromOwner(file, etag, offset, length)
      .otherwiseEmpty()
      .compose(fromOwner -> fromOwner == null ? fetch(file, etag, offset, length)
        : Future.succeededFuture(new ResumingStream(fromOwner, length,
          done -> fetch(file, etag, offset + done, length - done))));
  }

  /** Connects to the store, before the cache opens and the verticle listens. */
  protected Future<Void> connect() {
    return Future.succeededFuture();
  }

  /** Closes the connections to the store, after the uploads in progress were cancelled. */
  protected Future<?> disconnect() {
    return Future.succeededFuture();
  }

  @Override
  public Future<?> start() {
    context = vertx.getOrCreateContext();
    shortcuts = ReadShortcuts.of(vertx);
    return connect().compose(v -> RemoteReads.open(vertx, context, cacheSettings, this::fetchOnce))
      .compose(remote -> {
        reads = remote;
        return super.start();
      });
  }

  @Override
  protected final Future<?> close() {
    withdrawAll();
    if (reads != null) {
      reads.close();
    }
    return disconnect();
  }

  @Override
  protected final Future<PackageInfo> stat(String file) {
    return stat(file, false).map(RemoteVersion::info);
  }

  /**
   * What the store says of a package; what it said less than the revalidation interval ago unless {@code recheck}.
   * With the package in the cache, that is all the store is asked: once per interval however many download it.
   * Changes made by other writers show within that time, this server's own at once.
   */
  protected final Future<V> stat(String file, boolean recheck) {
    return stats.get(file, recheck, () -> head(file).map(version -> {
      if (version.info().sha256() != null) {
        remember(file, version.storeEtag(), version.info().sha256());
      }
      return version;
    }));
  }

  /** The package as the store has it now, or null. */
  @Override
  protected final Future<V> current(String file, boolean withEtag) {
    return stat(file, true).recover(e -> e instanceof StorageException se && se.error() == StorageError.NOT_FOUND
      ? Future.succeededFuture() : Future.failedFuture(e));
  }

  @Override
  protected final String etag(V version) {
    return version.info().etag();
  }

  @Override
  protected final Future<OpenedRead> openRead(String file) {
    return stat(file).compose(info -> reads.open(info).andThen(ar -> {
      if (ar.succeeded() && ar.result().hasChannel()) {
        publish(info);
      }
    }));
  }

  /**
   * Lets readers open cached version {@code info} themselves, without a message to this verticle and back, for as long
   * as what the store said of it is used without asking again ({@link RecentStats}); withdrawn at once when this
   * server, or another member, changes the package.
   */
  private void publish(PackageInfo info) {
    String file = info.file();
    V said = stats.fresh(file);
    if (said == null || !said.info().etag().equals(info.etag())) {
      return;
    }
    ReadShortcuts.Shortcut shortcut = reads.shortcut(info, stats.freshUntil(file));
    if (shortcut != null) {
      withdraw(file);
      published.put(file, shortcut);
      shortcuts.put(file, shortcut);
    }
  }

  private void withdraw(String file) {
    ReadShortcuts.Shortcut shortcut = published.remove(file);
    if (shortcut != null) {
      shortcuts.remove(file, shortcut);
    }
  }

  private void withdrawAll() {
    published.forEach(shortcuts::remove);
    published.clear();
  }

  @Override
  protected final Future<OpenedRead> follow(String file, String etag) {
    return stat(file).compose(info -> info.etag().equals(etag) ? reads.follow(info)
      : Future.failedFuture(versionChanged(file)));
  }

  @Override
  protected final Future<Void> read(ReadRequest request) {
    return reads.read(request, recheck -> stat(request.file(), recheck).map(RemoteVersion::info));
  }

  @Override
  protected final JsonObject counters() {
    return reads.counters();
  }

  /** This server changed {@code file}: what was known of it no longer holds. */
  @Override
  protected void changed(String file) {
    withdraw(file);
    stats.changed(file);
    reads.changed(file);
  }

  /** Cached copies stay: each is of one version, and what the store says now decides which version is served. */
  @Override
  protected void changedAll() {
    withdrawAll();
    stats.changedAll();
  }

  /** What was said of {@code file} is out of date: the next request must ask the store. */
  protected final void forget(String file) {
    withdraw(file);
    stats.forget(file);
  }

  /** The SHA-256 of version {@code storeEtag} of {@code file} is {@code sha256}. */
  protected final void remember(String file, String storeEtag, String sha256) {
    checksums.put(file, new Known(storeEtag, sha256));
  }

  /** {@code file} was deleted. */
  protected final void forgetChecksum(String file) {
    checksums.remove(file);
  }

  /** The SHA-256 of version {@code storeEtag} of {@code file} when this server knows it, else null. */
  protected final String knownSha256(String file, String storeEtag) {
    Known known = checksums.get(file);
    return known != null && known.storeEtag.equals(storeEtag) ? known.sha256 : null;
  }

  /** The failure of a read whose version is no longer the package's. */
  protected static StorageException versionChanged(String file) {
    return new StorageException(StorageError.CHANGED, file + " has changed");
  }

  private record Known(String storeEtag, String sha256) {
  }
}
