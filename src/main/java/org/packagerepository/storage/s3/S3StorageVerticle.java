package org.packagerepository.storage.s3;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import org.packagerepository.storage.PackageInfo;
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

/**
 * The S3 backend's storage verticle: every call to the store is asynchronous (the SDK's Netty client), and the state
 * of the namespace (the order of changes to one package, the uploads in progress) is confined to this verticle's
 * event loop. A package's ETag is its SHA-256, kept in the object's metadata; objects written by other tools, which
 * have none, fall back to the store's own ETag.
 */
final class S3StorageVerticle extends RemoteStorageVerticle<S3Version, S3Upload> {

  private final S3Settings settings;
  private S3AsyncClient client;
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
      return null;
    });
  }

  @Override
  protected Future<?> disconnect() {
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
    return call(client.headObject(r -> r.bucket(settings.bucket()).key(settings.key(file))), file).map(head -> {
      String sha256 = sha256Of(head.metadata());
      String storeEtag = RemoteVersion.unquote(head.eTag());
      return new S3Version(new PackageInfo(file, head.contentLength(), head.lastModified().toEpochMilli(),
        etag(sha256, storeEtag), sha256), storeEtag);
    });
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
        String servedEtag = etag(sha256Of(get.response().metadata()), RemoteVersion.unquote(get.response().eTag()));
        PublisherReadStream body = PublisherReadStream.of(context, get.body());
        get.onBodyFailure(body::onError);
        if (!servedEtag.equals(etag)) {
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
    String announced = request.expectedSha256();
    String partsKey = announced != null ? settings.key(request.file())
      : settings.incomingKey(UUID.randomUUID() + ".part");
    return Future.succeededFuture(new S3Upload(context, client, settings.bucket(), settings.partSize(),
      settings.copyPartSize(), partsKey, announced));
  }

  @Override
  protected Future<PackageInfo> commit(WriteRequest request, S3Upload upload, S3Version current, String sha256) {
    String file = request.file();
    return upload.commit(settings.key(file), sha256).map(eTag -> {
      remember(file, RemoteVersion.unquote(eTag), sha256);
      return new PackageInfo(file, upload.written(), System.currentTimeMillis(), sha256, sha256);
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
    return call(client.deleteObject(r -> r.bucket(settings.bucket()).key(settings.key(file))), file).map(v -> {
      forgetChecksum(file);
      return null;
    });
  }

  @Override
  protected StorageException storageError(Throwable e) {
    return S3Errors.toStorage(e, "the package");
  }

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
