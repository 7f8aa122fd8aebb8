package org.packagerepository.storage.fs;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DigestingFileWriterTest {

  /** A file whose writes complete only when the test says so. */
  private static final class SlowFile implements WriteStream<Buffer> {
    final List<Promise<Void>> writes = new ArrayList<>();

    @Override
    public Future<Void> write(Buffer data) {
      Promise<Void> promise = Promise.promise();
      writes.add(promise);
      return promise.future();
    }

    @Override
    public Future<Void> end() {
      return Future.succeededFuture();
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
      return this;
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
      return this;
    }

    @Override
    public boolean writeQueueFull() {
      return false;
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
      return this;
    }
  }

  @Test
  void theEndWaitsForTheLastWrite() {
    SlowFile file = new SlowFile();
    DigestingFileWriter writer = new DigestingFileWriter(file);
    writer.write(Buffer.buffer("abc"));
    writer.write(Buffer.buffer("def"));
    Future<Void> end = writer.end();
    file.writes.get(0).complete();
    assertFalse(end.isComplete());
    file.writes.get(1).complete();
    assertTrue(end.succeeded());
    assertEquals(6, writer.written());
  }

  @Test
  void aWriteThatFailsAfterTheEndFailsTheEnd() {
    SlowFile file = new SlowFile();
    DigestingFileWriter writer = new DigestingFileWriter(file);
    writer.write(Buffer.buffer("abc"));
    Future<Void> end = writer.end();
    file.writes.get(0).fail(new IOException("File too large"));
    assertTrue(end.failed());
    assertEquals("File too large", end.cause().getMessage());
  }

  @Test
  void theDigestIsTheSha256OfWhatWasWritten() {
    DigestingFileWriter writer = new DigestingFileWriter(new SlowFile());
    writer.write(Buffer.buffer("ab"));
    writer.write(Buffer.buffer("c"));
    assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", writer.sha256());
  }
}
