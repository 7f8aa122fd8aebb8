package org.packagerepository.storage.s3;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import org.packagerepository.storage.driver.BatchingUpload;
import org.packagerepository.storage.remote.StoreCleanup;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.MetadataDirective;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * The bytes of one upload on their way into S3, and how they become a package.
 *
 * <p>Chunks are collected into parts. A package that ends within its first part is sent with a single PUT once it
 * is complete and hashed, so it appears whole and verified. A larger one becomes a multipart upload: each full part is
 * sent while the next fills, several at once where the heap has room ({@link #partsInFlight}: one at a time left the
 * store waiting between parts; the AWS CLI sends ten), and the stream reports itself full while a filled part waits
 * for one of them, so an upload holds at most one part more than it sends at once. The object of a multipart upload
 * appears only when {@link #commit} completes it: on the package's own key when the client announced the SHA-256
 * (stored in the metadata from the start, and the upload aborted if the bytes do not match), otherwise on a key under
 * {@code .incoming/} that is then copied, with the computed SHA-256 in its metadata, onto the package's key and
 * deleted: with one CopyObject up to the copy part size, as a {@link PartCopy} above it (so any size S3 stores can be
 * copied). Parts are hashed in order on worker threads.
 *
 * <p>All methods are called on the owning context.
 */
final class S3Upload extends BatchingUpload {

  static final String SHA256_METADATA = "sha256";
  /** The most parts one upload sends at once. */
  static final int MAX_PARTS_IN_FLIGHT = 4;
  private static final String CONTENT_TYPE = "application/gzip";

  private final Context context;
  private final S3AsyncClient client;
  private final String bucket;
  private final int partSize;
  private final int partsInFlight;
  private final long copyPartSize;
  /** Where a multipart upload goes; the package's key when {@link #announcedSha256} is known. */
  private final String partsKey;
  private final String announcedSha256;

  private List<Buffer> filling = new ArrayList<>();
  private long fillingBytes;
  private Future<String> uploadId;
  /** The parts being sent. */
  private final List<Future<Void>> sending = new ArrayList<>();
  private int partsStarted;
  private final List<CompletedPart> parts = new ArrayList<>();
  private PartCopy copying;

  S3Upload(Context context, S3AsyncClient client, String bucket, int partSize, long copyPartSize, String partsKey,
           String announcedSha256) {
    this.context = context;
    this.client = client;
    this.bucket = bucket;
    this.partSize = partSize;
    this.partsInFlight = partsInFlight(Runtime.getRuntime().maxMemory(), partSize);
    this.copyPartSize = copyPartSize;
    this.partsKey = partsKey;
    this.announcedSha256 = announcedSha256;
  }

  /**
   * Parts one upload sends at once with a heap of {@code maxHeap} bytes: one per eight parts the heap holds, 1 to
   * {@link #MAX_PARTS_IN_FLIGHT} (a 64 MiB heap and 8 MiB parts: one, as a small server always did).
   */
  static int partsInFlight(long maxHeap, int partSize) {
    return (int) Math.max(1, Math.min(MAX_PARTS_IN_FLIGHT, maxHeap / (8L * partSize)));
  }

  @Override
  protected <T> Future<T> blocking(Callable<T> work) {
    return context.owner().executeBlocking(work, false);
  }

  @Override
  protected Future<Void> accept(Buffer data) {
    filling.add(data);
    fillingBytes += data.length();
    if (fillingBytes >= partSize && sending.size() < partsInFlight && failure() == null) {
      sendPart();
    }
    return Future.succeededFuture();
  }

  @Override
  public boolean writeQueueFull() {
    return fillingBytes >= partSize;
  }

  /** The end completes when every byte is hashed and every part but a single PUT's is in the store. */
  @Override
  protected void ending() {
    if (uploadId == null) {
      // Small: the package is the part being filled; it is sent by commit(), once hashed and verified.
      hash(filling);
    }
  }

  /**
   * Makes the package visible as {@code key} with its checksum in the metadata; after a successful end(). Returns the
   * store's ETag of the new object.
   */
  Future<String> commit(String key, String sha256) {
    Map<String, String> metadata = Map.of(SHA256_METADATA, sha256);
    if (uploadId == null) {
      ByteBuffer[] bytes = filling.stream().map(b -> ((BufferInternal) b).getByteBuf().nioBuffer())
        .toArray(ByteBuffer[]::new);
      AsyncRequestBody body = bytes.length == 0 ? AsyncRequestBody.empty()
        : AsyncRequestBody.fromRemainingByteBuffersUnsafe(bytes);
      return call(client.putObject(r -> r.bucket(bucket).key(key).contentLength(written()).contentType(CONTENT_TYPE)
        .metadata(metadata), body)).map(response -> response.eTag());
    }
    parts.sort(Comparator.comparing(CompletedPart::partNumber));
    Future<String> completed = uploadId.compose(id -> call(client.completeMultipartUpload(r -> r.bucket(bucket)
        .key(partsKey).uploadId(id).multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()))))
      .map(response -> response.eTag());
    if (partsKey.equals(key)) {
      return completed;
    }
    return completed.compose(v -> {
      uploadId = null;
      return copy(key, metadata);
    }).eventually(() -> StoreCleanup.run(context.owner(), partsKey, () -> call(client.deleteObject(r -> r.bucket(bucket)
      .key(partsKey)))));
  }

  /** Copies the completed upload onto {@code key} with {@code metadata}; the store's ETag of the copy. */
  private Future<String> copy(String key, Map<String, String> metadata) {
    if (written() > copyPartSize) {
      copying = new PartCopy(context, client, bucket, partsKey, key, written(), copyPartSize);
      return copying.run(CONTENT_TYPE, metadata);
    }
    return call(client.copyObject(r -> r.sourceBucket(bucket).sourceKey(partsKey).destinationBucket(bucket)
      .destinationKey(key).metadataDirective(MetadataDirective.REPLACE).contentType(CONTENT_TYPE).metadata(metadata)))
      .map(response -> response.copyObjectResult().eTag());
  }

  /** Leaves nothing behind: waits for the parts in flight, then aborts the multipart upload (and a copy under way). */
  @Override
  public Future<Void> cancel() {
    failQuietly(new IllegalStateException("The upload was aborted"));
    filling.clear();
    fillingBytes = 0;
    Future<Void> inFlight = Future.join(new ArrayList<>(sending)).otherwiseEmpty().mapEmpty();
    Future<Void> copy = copying == null ? Future.succeededFuture() : copying.abort();
    return Future.join(inFlight, copy).otherwiseEmpty().compose(v -> {
      Future<String> id = uploadId;
      uploadId = null;
      if (id == null) {
        return Future.succeededFuture();
      }
      return id.compose(uid -> abortMultipartUpload(context, client, bucket, partsKey, uid))
        .otherwiseEmpty().mapEmpty();
    });
  }

  /**
   * Aborts a multipart upload, again and again while the store does not answer (see {@link StoreCleanup}); completes
   * after the first attempt. An upload the store no longer knows is gone already.
   */
  static Future<Void> abortMultipartUpload(Context context, S3AsyncClient client, String bucket, String key,
                                           String uploadId) {
    return StoreCleanup.run(context.owner(), "the multipart upload of " + key, () -> Future.fromCompletionStage(
        client.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId)), context)
      .recover(e -> S3Errors.isNotFound(e) ? Future.succeededFuture() : Future.failedFuture(e)));
  }

  private void sendPart() {
    List<Buffer> part = filling;
    long size = fillingBytes;
    filling = new ArrayList<>();
    fillingBytes = 0;
    int number = ++partsStarted;
    hash(part);
    if (uploadId == null) {
      uploadId = call(client.createMultipartUpload(r -> {
        r.bucket(bucket).key(partsKey).contentType(CONTENT_TYPE);
        if (announcedSha256 != null) {
          r.metadata(Map.of(SHA256_METADATA, announcedSha256));
        }
      })).map(response -> response.uploadId());
    }
    ByteBuffer[] bytes = part.stream().map(b -> ((BufferInternal) b).getByteBuf().nioBuffer())
      .toArray(ByteBuffer[]::new);
    Future<Void> sent = uploadId.compose(id -> call(client.uploadPart(r -> r.bucket(bucket).key(partsKey).uploadId(id)
        .partNumber(number).contentLength(size), AsyncRequestBody.fromRemainingByteBuffersUnsafe(bytes))))
      .map(response -> {
        parts.add(CompletedPart.builder().partNumber(number).eTag(response.eTag()).build());
        return null;
      });
    sending.add(sent);
    sent.onComplete(ar -> {
      sending.remove(sent);
      if (ar.failed()) {
        fail(ar.cause());   // the stream may be waiting for a drain that would not come
        return;
      }
      if (failure() == null && (fillingBytes >= partSize || ended() != null && fillingBytes > 0)) {
        sendPart();
      }
      drained();
      settle();
    });
  }

  @Override
  protected void settle() {
    if (!endPending()) {
      return;
    }
    if (uploadId != null && fillingBytes > 0 && sending.size() < partsInFlight) {
      sendPart();
      return;
    }
    if (sending.isEmpty() && (uploadId == null || fillingBytes == 0)) {
      endAfterHashing();
    }
  }

  private <T> Future<T> call(CompletableFuture<T> request) {
    return Future.fromCompletionStage(request, context);
  }
}
