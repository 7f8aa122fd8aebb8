package org.packagerepository.storage.s3;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import org.packagerepository.storage.OpenedRead;
import org.packagerepository.storage.PackageInfo;
import org.packagerepository.storage.ReadRequest;
import org.packagerepository.storage.RecentStats;
import org.packagerepository.storage.StorageError;
import org.packagerepository.storage.StorageException;
import org.packagerepository.storage.StorageVerticle;
import org.packagerepository.storage.WriteRequest;
import org.packagerepository.storage.cache.CacheSettings;
import org.packagerepository.storage.cache.RemoteCache;
import org.packagerepository.storage.cache.RemoteReads;
import org.packagerepository.transfer.TransferOptions;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The S3 backend's storage verticle: every call to the store is asynchronous (the SDK's Netty client), and the state
 * of the namespace (the order of changes to one package, the uploads in progress) is confined to this verticle's
 * event loop. A package's ETag is its SHA-256, kept in the object's metadata; objects written by other tools, which
 * have none, fall back to the store's own ETag.
 */
final class S3StorageVerticle extends StorageVerticle<PackageInfo, S3Upload> {


  private final S3Settings settings;
  private final TransferOptions transferOptions = new TransferOptions();
  /**
   * The SHA-256 of the versions this server wrote or looked at, by the store's ETag of that version: a listing (which
   * carries no metadata) shows the checksum of a version only while the object still has that ETag.
   */
  private final Map<String, Known> checksums = new HashMap<>();
  private final RecentStats<PackageInfo> stats;
  private S3AsyncClient client;
  private Context context;

  private final CacheSettings cacheSettings;
  private RemoteReads reads;

  S3StorageVerticle(S3Settings settings, CacheSettings cacheSettings) {
    super(cacheSettings.revalidateNanos());
    this.stats = new RecentStats<>(cacheSettings.revalidateNanos());
    this.settings = settings;
    this.cacheSettings = cacheSettings;
  }

  @Override
  public Future<?> start() {
    context = vertx.getOrCreateContext();
    // Building the client loads and initialises much of the SDK: not on the event loop.
    return vertx.executeBlocking(() -> S3Clients.create(settings)).compose(created -> {
      client = created;
      return RemoteCache.open(vertx, context, cacheSettings, this::fetch, transferOptions);
    }).compose(remote -> {
      reads = remote;
      return super.start();
    });
  }

  @Override
  protected Future<?> close() {
    if (reads != null) {
      reads.close();
    }
    return vertx.executeBlocking(() -> {
      client.close();
      return null;
    });
  }

  @Override
  protected Future<List<PackageInfo>> list() {
    return listPage(null, new ArrayList<>());
  }

  private Future<List<PackageInfo>> listPage(String continuation, List<PackageInfo> collected) {
    String prefix = settings.listPrefix();
    return call(client.listObjectsV2(r -> r.bucket(settings.bucket()).prefix(prefix).delimiter("/")
      .continuationToken(continuation)), "the listing").compose((ListObjectsV2Response page) -> {
        for (S3Object object : page.contents()) {
          String file = object.key().substring(prefix.length());
          String eTag = unquote(object.eTag());
          Known known = checksums.get(file);
          String sha256 = known != null && known.eTag.equals(eTag) ? known.sha256 : null;
          collected.add(new PackageInfo(file, object.size(), object.lastModified().toEpochMilli(),
            etag(sha256, eTag), sha256));
        }
        if (Boolean.TRUE.equals(page.isTruncated()) && page.nextContinuationToken() != null) {
          return listPage(page.nextContinuationToken(), collected);
        }
        return Future.succeededFuture(collected);
      });
  }

  @Override
  protected Future<PackageInfo> stat(String file) {
    return stat(file, false);
  }

  /**
   * What the store says of a package; what it said less than the revalidation interval ago unless {@code recheck}.
   * With the package in the cache, that is all the store is asked: once per interval however many download it.
   * Changes made by other writers show within that time, this server's own at once.
   */
  private Future<PackageInfo> stat(String file, boolean recheck) {
    return stats.get(file, recheck, () -> call(client.headObject(r -> r.bucket(settings.bucket())
      .key(settings.key(file))), file).map(head -> {
        PackageInfo info = info(file, head);
        if (info.sha256() != null) {
          checksums.put(file, new Known(unquote(head.eTag()), info.sha256()));
        }
        return info;
      }));
  }

  /** This server changed {@code file}: what was known of it no longer holds. */
  @Override
  protected void changed(String file) {
    stats.changed(file);
    reads.changed(file);
  }

  @Override
  protected Future<Void> checkHealth() {
    String bucket = settings.bucket();
    return call(client.headBucket(r -> r.bucket(bucket)), "the bucket").<Void>mapEmpty()
      .recover(e -> Future.failedFuture(new StorageException(StorageError.UNAVAILABLE,
        "The bucket " + bucket + " does not answer: " + e.getMessage())));
  }

  @Override
  protected JsonObject counters() {
    return reads.counters();
  }

  @Override
  protected Future<OpenedRead> openRead(String file) {
    return stat(file).compose(reads::open);
  }

  @Override
  protected Future<Void> read(ReadRequest request) {
    return reads.read(request, recheck -> stat(request.file(), recheck));
  }

  /** Bytes {@code [offset, offset + length)} of version {@code etag}: a ranged GET whose version is checked. */
  private Future<ReadStream<Buffer>> fetch(String file, String etag, long offset, long length) {
    String range = "bytes=" + offset + "-" + (offset + length - 1);
    return call(client.getObject(r -> r.bucket(settings.bucket()).key(settings.key(file)).range(range),
      new StreamingGet()), file).compose(get -> {
        String servedEtag = etag(sha256Of(get.response().metadata()), get.response().eTag());
        PublisherReadStream body = PublisherReadStream.of(context, get.body());
        get.onBodyFailure(body::onError);
        if (!servedEtag.equals(etag)) {
          // The body is not wanted: cancelling the subscription releases the connection.
          body.cancel();
          // What was known of it is out of date: the caller's next try must ask the store.
          stats.forget(file);
          return Future.failedFuture(versionChanged(file));
        }
        return Future.succeededFuture(body);
      });
  }

  @Override
  protected Future<S3Upload> begin(WriteRequest request) {
    String announced = request.expectedSha256();
    String partsKey = announced != null ? settings.key(request.file())
      : settings.incomingKey(UUID.randomUUID() + ".part");
    return Future.succeededFuture(new S3Upload(context, client, settings.bucket(), settings.partSize(),
      settings.copyPartSize(), partsKey, announced));
  }

  @Override
  protected Future<PackageInfo> commit(WriteRequest request, S3Upload upload, PackageInfo current, String sha256) {
    String file = request.file();
    return upload.commit(settings.key(file), sha256).map(eTag -> {
      checksums.put(file, new Known(unquote(eTag), sha256));
      return new PackageInfo(file, upload.written(), System.currentTimeMillis(), sha256, sha256);
    });
  }

  @Override
  protected Future<Void> remove(String file, PackageInfo current) {
    return call(client.deleteObject(r -> r.bucket(settings.bucket()).key(settings.key(file))), file).map(v -> {
      checksums.remove(file);
      return null;
    });
  }

  @Override
  protected String etag(PackageInfo version) {
    return version.etag();
  }

  @Override
  protected StorageException storageError(Throwable e) {
    return S3Errors.toStorage(e, "the package");
  }

  /** The package as it is now, or null when there is none. */
  @Override
  protected Future<PackageInfo> current(String file, boolean withEtag) {
    return stat(file, true).recover(e -> e instanceof StorageException se && se.error() == StorageError.NOT_FOUND
      ? Future.succeededFuture() : Future.failedFuture(e));
  }

  private static PackageInfo info(String file, HeadObjectResponse head) {
    String sha256 = sha256Of(head.metadata());
    return new PackageInfo(file, head.contentLength(), head.lastModified().toEpochMilli(),
      etag(sha256, head.eTag()), sha256);
  }

  private static String sha256Of(Map<String, String> metadata) {
    return metadata == null ? null : metadata.get(S3Upload.SHA256_METADATA);
  }

  /** A version's entity tag: its SHA-256 where the object carries it, else the store's own ETag. */
  private static String etag(String sha256, String storeETag) {
    return sha256 != null ? sha256 : unquote(storeETag);
  }

  private static StorageException versionChanged(String file) {
    return new StorageException(StorageError.CHANGED, file + " has changed");
  }

  private static String unquote(String eTag) {
    if (eTag == null) {
      return "";
    }
    return eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\"") ? eTag.substring(1, eTag.length() - 1) : eTag;
  }

  private record Known(String eTag, String sha256) {
  }


  private <T> Future<T> call(CompletableFuture<T> request, String file) {
    Promise<T> promise = Promise.promise();
    Future.fromCompletionStage(request, context).onComplete(ar -> {
      if (ar.succeeded()) {
        promise.complete(ar.result());
      } else {
        promise.fail(S3Errors.toStorage(ar.cause(), file));
      }
    });
    return promise.future();
  }
}
