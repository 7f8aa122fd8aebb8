package org.packagerepository.storage.fs;

import io.netty.buffer.Unpooled;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class IncomingFileTest {

  private Vertx vertx;
  private Context context;
  private WorkerExecutor worker;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    worker = vertx.createSharedWorkerExecutor("incoming-file-test", 4);
  }

  @AfterEach
  void stop() {
    worker.close().await();
    vertx.close().await();
  }

  /** Runs on the event loop, as the storage verticle does, and waits for the outcome. */
  private <T> T onLoop(Supplier<Future<T>> action) throws Exception {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(promise));
    return promise.future().await(30, TimeUnit.SECONDS);
  }

  @Test
  void everyChunkReachesTheFileInOrderAndTheChecksumIsTheirs(@TempDir Path dir) throws Exception {
    Path path = dir.resolve("upload.part");
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    Random random = new Random(42);
    IncomingFile file = onLoop(() -> IncomingFile.create(worker, path, 1000));
    long written = onLoop(() -> {
      for (int i = 0; i < 300; i++) {
        byte[] bytes = new byte[random.nextInt(3000)];
        random.nextBytes(bytes);
        expected.writeBytes(bytes);
        // heap, direct and sliced chunks: the checksum must not depend on where the bytes are
        Buffer chunk = switch (i % 3) {
          case 0 -> Buffer.buffer(bytes);
          case 1 -> BufferInternal.buffer(Unpooled.directBuffer(bytes.length).writeBytes(bytes));
          default -> Buffer.buffer().appendByte((byte) 0).appendBytes(bytes).slice(1, bytes.length + 1);
        };
        file.write(chunk);
      }
      return file.end().compose(v -> file.close()).map(v -> file.written());
    });
    byte[] all = expected.toByteArray();
    assertEquals(all.length, written);
    assertArrayEquals(all, Files.readAllBytes(path));
    assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(all)), file.sha256());
  }

  @Test
  void fullWhileABatchIsBeingWrittenThenDrained(@TempDir Path dir) throws Exception {
    IncomingFile file = onLoop(() -> IncomingFile.create(worker, dir.resolve("upload.part"), 100));
    WorkerExecutor single = vertx.createSharedWorkerExecutor("incoming-file-single", 1);
    IncomingFile slow = onLoop(() -> IncomingFile.create(single, dir.resolve("slow.part"), 100));
    CountDownLatch release = new CountDownLatch(1);
    single.executeBlocking(() -> release.await(30, TimeUnit.SECONDS), false);
    AtomicBoolean drained = new AtomicBoolean();
    boolean fullBefore = onLoop(() -> {
      slow.drainHandler(v -> drained.set(true));
      slow.write(Buffer.buffer(new byte[10]));   // taken by a batch that waits for the blocked thread
      boolean notYet = slow.writeQueueFull();
      slow.write(Buffer.buffer(new byte[150]));  // fills the next batch beyond its size
      return Future.succeededFuture(!notYet && slow.writeQueueFull());
    });
    assertTrue(fullBefore);
    assertFalse(drained.get());
    release.countDown();
    onLoop(() -> slow.end().compose(v -> slow.close()));
    assertTrue(drained.get());
    assertEquals(160, Files.size(dir.resolve("slow.part")));
    onLoop(file::close);
    single.close().await();
  }

  @Test
  void aFailedWriteFailsTheEnd() throws Exception {
    Path full = Paths.get("/dev/full");
    assumeTrue(Files.isWritable(full), "needs /dev/full (Linux)");
    IncomingFile file = new IncomingFile(worker, full, FileChannel.open(full, StandardOpenOption.WRITE), 1000, false);
    Throwable failure = assertThrows(Exception.class, () -> onLoop(() -> {
      file.write(Buffer.buffer(new byte[4096]));
      return file.end().eventually(file::close);
    }));
    assertTrue(failure.getMessage().contains("space"), failure.getMessage());
    assertTrue(onLoop(() -> Future.succeededFuture(file.write(Buffer.buffer("late")).failed())));
  }

  @Test
  void anExistingFileIsNeverOverwritten(@TempDir Path dir) throws Exception {
    Path path = dir.resolve("upload.part");
    Files.writeString(path, "someone else's");
    Throwable failure = assertThrows(Exception.class, () -> onLoop(() -> IncomingFile.create(worker, path, 1000)));
    assertInstanceOf(FileAlreadyExistsException.class, failure);
    assertEquals("someone else's", Files.readString(path));
  }
}
