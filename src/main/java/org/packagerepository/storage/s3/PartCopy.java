package org.packagerepository.storage.s3;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A copy, within the bucket, of an object larger than one CopyObject may copy (5 GiB): a multipart upload onto the
 * destination key whose parts are UploadPartCopy ranges of the source, {@value #PARTS_IN_FLIGHT} at a time (the way
 * the AWS CLI copies large objects). The destination appears whole, with its metadata, only when the upload
 * completes; a failed or aborted copy aborts the upload and leaves the destination as it was.
 *
 * <p>All methods are called on the owning context.
 */
final class PartCopy {

  static final int PARTS_IN_FLIGHT = 4;

  private final Context context;
  private final S3AsyncClient client;
  private final String bucket;
  private final String source;
  private final String destination;
  private final long size;
  private final long partSize;
  private final CompletedPart[] parts;
  private final Promise<Void> copied = Promise.promise();
  private int next;
  private int inFlight;
  private Throwable failure;
  private Future<String> result;

  PartCopy(Context context, S3AsyncClient client, String bucket, String source, String destination, long size,
           long partSize) {
    this.context = context;
    this.client = client;
    this.bucket = bucket;
    this.source = source;
    this.destination = destination;
    this.size = size;
    this.partSize = partSize;
    this.parts = new CompletedPart[(int) ((size + partSize - 1) / partSize)];
  }

  /** Copies the source onto the destination with {@code metadata}; the store's ETag of the new object. */
  Future<String> run(String contentType, Map<String, String> metadata) {
    if (result == null) {
      Future<String> uploadId = call(client.createMultipartUpload(r -> r.bucket(bucket).key(destination)
        .contentType(contentType).metadata(metadata))).map(response -> response.uploadId());
      result = uploadId.compose(id -> {
        for (int i = 0; i < PARTS_IN_FLIGHT; i++) {
          copyNext(id);
        }
        return copied.future();
      }).compose(v -> uploadId.compose(id -> call(client.completeMultipartUpload(r -> r.bucket(bucket)
          .key(destination).uploadId(id).multipartUpload(CompletedMultipartUpload.builder().parts(Arrays.asList(parts))
            .build())))))
        .map(response -> response.eTag())
        .recover(e -> uploadId.compose(id -> S3Upload.abortMultipartUpload(context, client, bucket, destination, id))
          .otherwiseEmpty()
          .compose(v -> Future.failedFuture(e)));
    }
    return result;
  }

  /**
   * Stops copying: no further part starts, and once the parts in flight are done the upload is aborted (aborting
   * earlier could let a part still in flight outlive it). Completes when that is done.
   */
  Future<Void> abort() {
    fail(new IllegalStateException("The copy was aborted"));
    return result == null ? Future.succeededFuture() : result.<Void>mapEmpty().otherwiseEmpty();
  }

  private void copyNext(String uploadId) {
    if (failure != null || next == parts.length) {
      return;
    }
    int index = next++;
    long first = index * partSize;
    long last = Math.min(size, first + partSize) - 1;
    inFlight++;
    call(client.uploadPartCopy(r -> r.sourceBucket(bucket).sourceKey(source).destinationBucket(bucket)
      .destinationKey(destination).uploadId(uploadId).partNumber(index + 1)
      .copySourceRange("bytes=" + first + "-" + last))).onComplete(ar -> {
        inFlight--;
        if (ar.failed()) {
          fail(ar.cause());
          return;
        }
        parts[index] = CompletedPart.builder().partNumber(index + 1).eTag(ar.result().copyPartResult().eTag()).build();
        if (failure == null && next == parts.length && inFlight == 0) {
          copied.tryComplete();
        } else {
          copyNext(uploadId);
        }
        settleFailure();
      });
  }

  private void fail(Throwable cause) {
    if (failure == null) {
      failure = cause;
    }
    settleFailure();
  }

  private void settleFailure() {
    if (failure != null && inFlight == 0) {
      copied.tryFail(failure);
    }
  }

  private <T> Future<T> call(CompletableFuture<T> request) {
    return Future.fromCompletionStage(request, context);
  }
}
