package org.packagerepository.storage.s3;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How many parts an upload sends at once, and what cancelling it leaves. */
class S3UploadTest {

  private static final int MIB = 1024 * 1024;

  @Test
  void partsInFlightFollowTheHeap() {
    assertEquals(1, S3Upload.partsInFlight(64L * MIB, 8 * MIB), "a 64 MiB heap sends one 8 MiB part at a time");
    assertEquals(2, S3Upload.partsInFlight(128L * MIB, 8 * MIB));
    assertEquals(S3Upload.MAX_PARTS_IN_FLIGHT, S3Upload.partsInFlight(6L * 1024 * MIB, 8 * MIB));
    assertEquals(1, S3Upload.partsInFlight(6L * 1024 * MIB, 1024 * MIB), "1 GiB parts in a 6 GiB heap");
    assertEquals(1, S3Upload.partsInFlight(16L * MIB, 8 * MIB), "never fewer than one");
  }

  /**
   * A server that stops while a failed upload is being cancelled cancels it again; the second call must not answer
   * before the first call's abort has, or the server closes its client with the abort in flight and the multipart
   * upload stays in the store.
   */
  @Test
  void aSecondCancelAnswersOnlyOnceTheMultipartUploadIsAborted() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (S3TestStore store = S3TestStore.create()) {
      Context context = vertx.getOrCreateContext();
      CompletableFuture<Boolean> firstDoneWhenSecondIs = new CompletableFuture<>();
      context.runOnContext(v -> {
        S3Upload upload = new S3Upload(context, store.client(), store.bucket(), MIB, "pkg/cancelled-1.0.0.tar.gz",
          null, new S3Upload.ChecksumObject("00000000-0000-0000-0000-000000000000", "pkg/.checksums/x"));
        // A full part: the multipart upload begins, and its first part is sent.
        upload.write(Buffer.buffer(new byte[MIB]));
        Future<Void> first = upload.cancel();
        upload.cancel().onComplete(ar -> firstDoneWhenSecondIs.complete(first.isComplete()));
      });
      assertTrue(firstDoneWhenSecondIs.get(30, TimeUnit.SECONDS), "the second cancel answered before the first");
      assertEquals(List.of(), store.multipartUploadsInProgress(), "multipart uploads left in the store");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
