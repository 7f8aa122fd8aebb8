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
 * is complete and hashed, so it appears whole and verified, its SHA-256 in its metadata. A larger one becomes a
 * multipart upload onto the package's own key: each full part is sent while the next fills, several at once where the
 * heap has room ({@link #partsInFlight}: one at a time left the store waiting between parts; the AWS CLI sends ten),
 * and the stream reports itself full while a filled part waits for one of them, so an upload holds at most one part
 * more than it sends at once. The object appears only when {@link #commit} completes the upload, after the last byte
 * was hashed and verified. Its metadata, fixed when the upload began, holds the SHA-256 when the client announced it
 * (the upload aborted if the bytes do not match); otherwise the id of a small checksum object
 * ({@link #CHECKSUM_ID_METADATA}), which commit writes with the computed SHA-256 just before it completes the upload.
 * So the package is written once, and is never visible without its checksum: copying the finished object to give it
 * the checksum in its metadata (S3 cannot change metadata in place) wrote every package twice, which halved the speed
 * of a plain upload. Parts are hashed in order on worker threads.
 *
 * <p>All methods are called on the owning context.
 */
final class S3Upload extends BatchingUpload {

  static final String SHA256_METADATA = "sha256";
  /** Metadata of a package whose SHA-256 is in its checksum object rather than in the metadata itself. */
  static final String CHECKSUM_ID_METADATA = "checksum-id";
  /** The most parts one upload sends at once. */
  static final int MAX_PARTS_IN_FLIGHT = 4;
  private static final String CONTENT_TYPE = "application/gzip";

  private final Context context;
  private final S3AsyncClient client;
  private final String bucket;
  private final int partSize;
  private final int partsInFlight;
  /** The package's key. */
  private final String key;
  private final String announcedSha256;
  /** Where the SHA-256 goes when it was not announced and the package is too large for one PUT. */
  private final ChecksumObject checksum;

  private List<Buffer> filling = new ArrayList<>();
  private long fillingBytes;
  private Future<String> uploadId;
  /** What the first {@link #cancel()} answers, for every later call. */
  private Future<Void> cancelled;
  /** The parts being sent. */
  private final List<Future<Void>> sending = new ArrayList<>();
  private int partsStarted;
  private final List<CompletedPart> parts = new ArrayList<>();

  /** The id of a checksum object, and its key. */
  record ChecksumObject(String id, String key) {
  }

  /** An upload to {@code key}; {@code checksum} is where its SHA-256 goes, should it be neither announced nor small. */
  S3Upload(Context context, S3AsyncClient client, String bucket, int partSize, String key, String announcedSha256,
           ChecksumObject checksum) {
    this.context = context;
    this.client = client;
    this.bucket = bucket;
    this.partSize = partSize;
    this.partsInFlight = partsInFlight(Runtime.getRuntime().maxMemory(), partSize);
    this.key = key;
    this.announcedSha256 = announcedSha256;
    this.checksum = checksum;
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
   * Makes the package visible with its checksum, {@code sha256}; after a successful end(). Returns the store's ETag of
   * the new object.
   */
  Future<String> commit(String sha256) {
    if (uploadId == null) {
      ByteBuffer[] bytes = filling.stream().map(b -> ((BufferInternal) b).getByteBuf().nioBuffer())
        .toArray(ByteBuffer[]::new);
      AsyncRequestBody body = bytes.length == 0 ? AsyncRequestBody.empty()
        : AsyncRequestBody.fromRemainingByteBuffersUnsafe(bytes);
      return call(client.putObject(r -> r.bucket(bucket).key(key).contentLength(written()).contentType(CONTENT_TYPE)
        .metadata(Map.of(SHA256_METADATA, sha256)), body)).map(response -> response.eTag());
    }
    if (announcedSha256 != null) {
      return complete();
    }
    return call(client.putObject(r -> r.bucket(bucket).key(checksum.key()).contentType("text/plain"),
        AsyncRequestBody.fromString(sha256)))
      .compose(written -> complete().recover(e -> deleteChecksumObject(context, client, bucket, checksum.key())
        .transform(v -> Future.failedFuture(e))));
  }

  private Future<String> complete() {
    parts.sort(Comparator.comparing(CompletedPart::partNumber));
    return uploadId.compose(id -> call(client.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(id)
        .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()))))
      .map(response -> response.eTag());
  }

  /**
   * Deletes a checksum object, again and again while the store does not answer (see {@link StoreCleanup}); completes
   * after the first attempt, and never fails: a checksum object left behind is a few bytes no one reads.
   */
  static Future<Void> deleteChecksumObject(Context context, S3AsyncClient client, String bucket, String key) {
    return StoreCleanup.run(context.owner(), "the checksum object " + key, () -> Future.fromCompletionStage(
      client.deleteObject(r -> r.bucket(bucket).key(key)), context));
  }

  /**
   * Leaves nothing behind: waits for the parts in flight, then aborts the multipart upload. Called again (a server
   * stopping while a failed upload is being cancelled), it answers when the first call's abort does: the upload id is
   * gone by then, and answering at once let the server close its client with the abort still in flight.
   */
  @Override
  public Future<Void> cancel() {
    if (cancelled == null) {
      failQuietly(new IllegalStateException("The upload was aborted"));
      filling.clear();
      fillingBytes = 0;
      Future<Void> inFlight = Future.join(new ArrayList<>(sending)).otherwiseEmpty().mapEmpty();
      cancelled = inFlight.compose(v -> {
        Future<String> id = uploadId;
        uploadId = null;
        if (id == null) {
          return Future.succeededFuture();
        }
        return id.compose(uid -> abortMultipartUpload(context, client, bucket, key, uid))
          .otherwiseEmpty().mapEmpty();
      });
    }
    return cancelled;
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
        r.bucket(bucket).key(key).contentType(CONTENT_TYPE).metadata(announcedSha256 != null
          ? Map.of(SHA256_METADATA, announcedSha256) : Map.of(CHECKSUM_ID_METADATA, checksum.id()));
      })).map(response -> response.uploadId());
    }
    ByteBuffer[] bytes = part.stream().map(b -> ((BufferInternal) b).getByteBuf().nioBuffer())
      .toArray(ByteBuffer[]::new);
    Future<Void> sent = uploadId.compose(id -> call(client.uploadPart(r -> r.bucket(bucket).key(key).uploadId(id)
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

  /** The id of its multipart upload once the store gave it, else null. */
  String uploadIdNow() {
    Future<String> id = uploadId;
    return id != null && id.succeeded() ? id.result() : null;
  }

  private <T> Future<T> call(CompletableFuture<T> request) {
    return Future.fromCompletionStage(request, context);
  }
}
