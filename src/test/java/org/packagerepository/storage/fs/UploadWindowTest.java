package org.packagerepository.storage.fs;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.packagerepository.storage.StorageBackend;
import org.packagerepository.storage.StorageClient;
import org.packagerepository.storage.StorageError;
import org.packagerepository.storage.WriteRequest;
import org.packagerepository.transfer.ChunkSender;
import org.packagerepository.transfer.TransferOptions;
import org.packagerepository.transfer.Transfers;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An upload's transfer to the storage verticle grants its own, wider window: the HTTP side may send that many bytes
 * before it waits for the next grant (each grant wakes its event loop; see {@link StorageBackend#uploadWindowBytes}).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UploadWindowTest {

  private static final int CHUNK = 64 * 1024;

  @TempDir
  Path root;

  private Vertx vertx;

  @AfterEach
  void stop() {
    if (vertx != null) {
      vertx.close().await();
    }
  }

  @Test
  void theWindowIsAQuarterMebibyteToAMebibyteAsTheHeapGrows() {
    assertEquals(256 * 1024, StorageBackend.uploadWindowBytes(61L << 20), "-Xmx64m");
    assertEquals(512 * 1024, StorageBackend.uploadWindowBytes(128L << 20));
    assertEquals(1024 * 1024, StorageBackend.uploadWindowBytes(256L << 20));
    assertEquals(1024 * 1024, StorageBackend.uploadWindowBytes(6L << 30));
    assertEquals(StorageBackend.uploadWindowBytes(61L << 20), FsStorageVerticle.uploadBatchBytes(61L << 20),
      "a file-system upload's batches are as wide as its window");
    assertEquals(StorageBackend.uploadWindowBytes(6L << 30), FsStorageVerticle.uploadBatchBytes(6L << 30));
  }

  @Test
  void anUploadMaySendItsWholeWindowBeforeItWaitsForCredit() throws Exception {
    vertx = Vertx.vertx();
    Transfers.registerCodecs(vertx);
    FsBackend backend = new FsBackend();
    JsonObject section = new JsonObject().put("location", new JsonObject().put("path", root.toString()));
    backend.deploy(vertx, backend.settings(section)).await();
    StorageClient storage = new StorageClient(vertx);
    Context context = vertx.getOrCreateContext();
    Promise<Long> sentBeforeWaiting = Promise.promise();
    long window = StorageBackend.uploadWindowBytes(Runtime.getRuntime().maxMemory());

    context.runOnContext(v -> {
      String transfer = Transfers.newId();
      ChunkSender sender = ChunkSender.create(vertx, transfer, new TransferOptions());
      WriteRequest write = new WriteRequest("app-1.0.0.tar.gz", transfer, -1, null, false, null, true);
      storage.openWrite(write).onFailure(sentBeforeWaiting::tryFail);
      // The first grant arrives as a drain; no further grant can arrive while this handler runs on the sender's loop.
      sender.drainHandler(drained -> {
        long sent = 0;
        // A transfer that failed never reports itself full: the bound keeps that from spinning.
        while (!sender.writeQueueFull() && sent < 16 * window) {
          sender.write(Buffer.buffer(new byte[CHUNK])).onFailure(sentBeforeWaiting::tryFail);
          sent += CHUNK;
        }
        sentBeforeWaiting.tryComplete(sent);
        sender.drainHandler(null);   // a cancel drains a sender too
        sender.cancel(StorageError.CANCELLED.transferCode(), "Enough was sent");
      });
    });

    assertEquals(window, sentBeforeWaiting.future().await(20, TimeUnit.SECONDS),
      "bytes an upload sends before it waits for credit");
  }
}
