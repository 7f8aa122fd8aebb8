package org.packagerepository.storage.s3;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import org.packagerepository.storage.PackageInfo;
import org.packagerepository.storage.Sha256;
import org.packagerepository.storage.StorageError;
import org.packagerepository.storage.StorageException;
import org.packagerepository.storage.WriteRequest;
import org.packagerepository.storage.cache.CacheSettings;
import org.packagerepository.storage.remote.RemoteStorageVerticle;
import org.packagerepository.storage.remote.RemoteVersion;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedGetObjectRequest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * The S3 backend's storage verticle: every call to the store is asynchronous (the SDK's Netty client), and the state
 * of the namespace (the order of changes to one package, the uploads in progress) is confined to this verticle's
 * event loop. A package's ETag is its SHA-256, kept in the object's metadata, or for a large package whose SHA-256 was
 * not announced, in a small checksum object under {@code .checksums/} that the metadata names (see {@link S3Upload});
 * objects written by other tools, which have neither, fall back to the store's own ETag.
 */
final class S3StorageVerticle extends RemoteStorageVerticle<S3Version, S3Upload> {

  /** A checksum object's id: a UUID, as {@link #begin} makes them. */
  private static final Pattern CHECKSUM_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  /** How often the bucket is looked through for what interrupted uploads left. */
  static final long SWEEP_PERIOD_MS = java.util.concurrent.TimeUnit.HOURS.toMillis(1);

  private final S3Settings settings;
  private S3AsyncClient client;
  private OrphanSweeper sweeper;
  /** Null unless downloads may be redirected. */
  private S3Presigner presigner;

  S3StorageVerticle(S3Settings settings, CacheSettings cacheSettings) {
    super(cacheSettings);
    this.settings = settings;
  }

  @Override
  protected Future<Void> connect() {
    // Building the client loads and initialises much of the SDK: not on the event loop.
    return vertx.executeBlocking(() -> {
      client = S3Clients.create(settings);
      presigner = settings.redirect().enabled() ? S3Clients.presigner(settings) : null;
      sweeper = new OrphanSweeper(context, client, settings, settings.orphanAgeMillis(),
        id -> uploadsInProgress().stream().anyMatch(upload -> id.equals(upload.uploadIdNow())),
        () -> list().map(infos -> infos.stream().map(PackageInfo::file).collect(java.util.stream.Collectors.toSet())),
        file -> head(file).map(S3Version::checksumId).recover(e -> e instanceof StorageException se
          && se.error() == StorageError.NOT_FOUND ? Future.succeededFuture() : Future.failedFuture(e)));
      return null;
    });
  }

  @Override
  public Future<?> start() {
    return super.start().onSuccess(v -> {
      // In the background: the server answers meanwhile.
      sweeper.sweep();
      vertx.setPeriodic(SWEEP_PERIOD_MS, id -> sweeper.sweep());
    });
  }

  @Override
  protected Future<?> disconnect() {
    sweeper.stop();
    return vertx.executeBlocking(() -> {
      client.close();
      if (presigner != null) {
        presigner.close();
      }
      return null;
    });
  }

  /**
   * A presigned GET of the package's object (SigV4 query authentication, valid {@code redirect.expires_seconds}). With
   * static keys signing is computation only; the default credential chain may have to fetch or refresh credentials
   * (instance role, profile files) first, so then it is done off the event loop.
   */
  @Override
  protected Future<String> redirect(String file) {
    if (presigner == null) {
      return Future.succeededFuture();
    }
    java.util.concurrent.Callable<String> sign = () -> {
      PresignedGetObjectRequest presigned = presigner.presignGetObject(r -> r
        .signatureDuration(Duration.ofSeconds(settings.redirect().expiresSeconds()))
        .getObjectRequest(get -> get.bucket(settings.bucket()).key(settings.key(file))));
      if (!presigned.isBrowserExecutable()) {
        // Signed headers besides Host: a client following a redirect would not send them.
        throw new StorageException(StorageError.INTERNAL, "The presigned GET of " + file
          + " needs headers a client does not send: " + presigned.signedHeaders().keySet());
      }
      return presigned.url().toString();
    };
    if (settings.accessKey().isEmpty()) {
      return vertx.executeBlocking(sign, false);
    }
    try {
      return Future.succeededFuture(sign.call());
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
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
          String eTag = RemoteVersion.unquote(object.eTag());
          String sha256 = knownSha256(file, eTag);
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
  protected Future<S3Version> head(String file) {
    return call(client.headObject(r -> r.bucket(settings.bucket()).key(settings.key(file))), file).compose(head -> {
      String storeEtag = RemoteVersion.unquote(head.eTag());
      return sha256Of(file, storeEtag, head.metadata()).map(sha256 -> new S3Version(new PackageInfo(file,
        head.contentLength(), head.lastModified().toEpochMilli(), etag(sha256, storeEtag), sha256), storeEtag,
        checksumId(head.metadata())));
    });
  }

  /**
   * The SHA-256 of version {@code storeEtag} of {@code file}, whose metadata is {@code metadata}: from the metadata,
   * from what this server knows of the version, or read from the checksum object the metadata names; null when the
   * object has none (another tool wrote it, or the checksum object is gone).
   */
  private Future<String> sha256Of(String file, String storeEtag, Map<String, String> metadata) {
    String checksumId = checksumId(metadata);
    String known = knownSha256Of(file, storeEtag, metadata);
    if (known != null || checksumId == null) {
      return Future.succeededFuture(known);
    }
    return Future.fromCompletionStage(client.getObject(r -> r.bucket(settings.bucket())
        .key(settings.checksumKey(file, checksumId)), AsyncResponseTransformer.toBytes()), context)
      .map(bytes -> {
        String sha256 = bytes.asUtf8String().trim();
        return Sha256.isHex(sha256) ? sha256 : null;
      })
      .recover(e -> S3Errors.isNotFound(e) ? Future.succeededFuture(null)
        : Future.failedFuture(S3Errors.toStorage(e, file)));
  }

  /**
   * The SHA-256 of a version as far as it is known without asking the store: from its metadata, or for one whose
   * metadata names a checksum object, from what this server learnt of it; else null.
   */
  private String knownSha256Of(String file, String storeEtag, Map<String, String> metadata) {
    String inMetadata = sha256Of(metadata);
    return inMetadata == null && checksumId(metadata) != null ? knownSha256(file, storeEtag) : inMetadata;
  }

  private static String checksumId(Map<String, String> metadata) {
    String id = metadata == null ? null : metadata.get(S3Upload.CHECKSUM_ID_METADATA);
    // Part of a key: only the form this server writes is followed.
    return id != null && CHECKSUM_ID.matcher(id).matches() ? id : null;
  }

  @Override
  protected Future<Void> checkHealth() {
    String bucket = settings.bucket();
    return call(client.headBucket(r -> r.bucket(bucket)), "the bucket").<Void>mapEmpty()
      .recover(e -> Future.failedFuture(new StorageException(StorageError.UNAVAILABLE,
        "The bucket " + bucket + " does not answer: " + e.getMessage())));
  }

  /** Bytes {@code [offset, offset + length)} of version {@code etag}: a ranged GET whose version is checked. */
  @Override
  protected Future<ReadStream<Buffer>> fetch(String file, String etag, long offset, long length) {
    String range = "bytes=" + offset + "-" + (offset + length - 1);
    return call(client.getObject(r -> r.bucket(settings.bucket()).key(settings.key(file)).range(range),
      new StreamingGet()), file).compose(get -> {
        String storeEtag = RemoteVersion.unquote(get.response().eTag());
        PublisherReadStream body = PublisherReadStream.of(context, get.body());
        get.onBodyFailure(body::onError);
        if (!etag.equals(etag(knownSha256Of(file, storeEtag, get.response().metadata()), storeEtag))) {
          // The body is not wanted: cancelling the subscription releases the connection.
          body.cancel();
          forget(file);
          return Future.failedFuture(versionChanged(file));
        }
        return Future.succeededFuture(body);
      });
  }

  @Override
  protected Future<S3Upload> begin(WriteRequest request) {
    String checksumId = UUID.randomUUID().toString();
    return Future.succeededFuture(new S3Upload(context, client, settings.bucket(), settings.partSize(),
      settings.key(request.file()), request.expectedSha256(),
      new S3Upload.ChecksumObject(checksumId, settings.checksumKey(request.file(), checksumId))));
  }

  @Override
  protected Future<PackageInfo> commit(WriteRequest request, S3Upload upload, S3Version current, String sha256) {
    String file = request.file();
    return upload.commit(sha256).compose(eTag -> {
      remember(file, RemoteVersion.unquote(eTag), sha256);
      PackageInfo info = new PackageInfo(file, upload.written(), System.currentTimeMillis(), sha256, sha256);
      return deleteChecksumObject(file, current).map(info);
    });
  }

  /** Under {@code .state/}: the listing asks with the delimiter {@code /}, so it never shows. */
  @Override
  protected Future<Buffer> readState(String name) {
    String key = settings.stateKey(name);
    return Future.fromCompletionStage(client.getObject(r -> r.bucket(settings.bucket()).key(key),
        AsyncResponseTransformer.toBytes()), context)
      .map(bytes -> Buffer.buffer(bytes.asByteArray()))
      .recover(e -> S3Errors.isNotFound(e) ? Future.succeededFuture(null)
        : Future.failedFuture(S3Errors.toStorage(e, "the state " + name)));
  }

  @Override
  protected Future<Void> writeState(String name, Buffer bytes) {
    return call(client.putObject(r -> r.bucket(settings.bucket()).key(settings.stateKey(name))
      .contentType("application/json"), AsyncRequestBody.fromBytes(bytes.getBytes())), "the state " + name).mapEmpty();
  }

  @Override
  protected Future<Void> remove(String file, S3Version current) {
    return call(client.deleteObject(r -> r.bucket(settings.bucket()).key(settings.key(file))), file).compose(v -> {
      forgetChecksum(file);
      return deleteChecksumObject(file, current);
    });
  }

  /** The checksum object of a version that is gone (deleted or replaced), if it had one. */
  private Future<Void> deleteChecksumObject(String file, S3Version gone) {
    if (gone == null || gone.checksumId() == null) {
      return Future.succeededFuture();
    }
    return S3Upload.deleteChecksumObject(context, client, settings.bucket(),
      settings.checksumKey(file, gone.checksumId()));
  }

  @Override
  protected StorageException storageError(Throwable e) {
    return S3Errors.toStorage(e, "the package");
  }

  /** The SHA-256 in {@code metadata}, if it holds one itself. */
  private static String sha256Of(Map<String, String> metadata) {
    return metadata == null ? null : metadata.get(S3Upload.SHA256_METADATA);
  }

  /** A version's entity tag: its SHA-256 where the object carries it, else the store's own ETag. */
  private static String etag(String sha256, String storeEtag) {
    return sha256 != null ? sha256 : storeEtag;
  }

  private <T> Future<T> call(CompletableFuture<T> request, String file) {
    return Future.fromCompletionStage(request, context)
      .recover(e -> Future.failedFuture(S3Errors.toStorage(e, file)));
  }
}
