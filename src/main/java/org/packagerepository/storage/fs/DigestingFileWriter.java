package org.packagerepository.storage.fs;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Promise;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.streams.WriteStream;

import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Writes an upload to its temporary file while computing its SHA-256 and counting its bytes. {@link #end()} completes
 * only when every write has, and fails if any did: an upload whose last bytes never reached the file must not be
 * published.
 */
final class DigestingFileWriter implements WriteStream<Buffer> {

  private final WriteStream<Buffer> file;
  private final MessageDigest digest = LocalFiles.newSha256();
  private long written;
  private int pending;
  private Throwable failure;
  private Promise<Void> ended;

  DigestingFileWriter(WriteStream<Buffer> file) {
    this.file = file;
  }

  long written() {
    return written;
  }

  String sha256() {
    return HexFormat.of().formatHex(digest.digest());
  }

  @Override
  public Future<Void> write(Buffer data) {
    // The NIO view hashes the bytes where they are, without a copy.
    digest.update(((BufferInternal) data).getByteBuf().nioBuffer());
    written += data.length();
    pending++;
    return file.write(data).andThen(ar -> {
      if (ar.failed() && failure == null) {
        failure = ar.cause();
      }
      if (--pending == 0 && ended != null) {
        settle();
      }
    });
  }

  /** Does not close the file (the upload is verified and synced before that); completes when all writes have. */
  @Override
  public Future<Void> end() {
    if (ended == null) {
      ended = Promise.promise();
      if (pending == 0) {
        settle();
      }
    }
    return ended.future();
  }

  private void settle() {
    if (failure != null) {
      ended.tryFail(failure);
    } else {
      ended.tryComplete();
    }
  }

  @Override
  public DigestingFileWriter exceptionHandler(Handler<Throwable> handler) {
    file.exceptionHandler(handler);
    return this;
  }

  @Override
  public DigestingFileWriter setWriteQueueMaxSize(int maxSize) {
    file.setWriteQueueMaxSize(maxSize);
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return file.writeQueueFull();
  }

  @Override
  public DigestingFileWriter drainHandler(Handler<Void> handler) {
    file.drainHandler(handler);
    return this;
  }
}
