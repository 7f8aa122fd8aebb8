package org.packagerepository.storage.fs;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.streams.WriteStream;

import java.security.MessageDigest;
import java.util.HexFormat;

/** Writes an upload to its temporary file while computing its SHA-256 and counting its bytes. */
final class DigestingFileWriter implements WriteStream<Buffer> {

  private final AsyncFile file;
  private final MessageDigest digest = LocalFiles.newSha256();
  private long written;

  DigestingFileWriter(AsyncFile file) {
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
    return file.write(data);
  }

  /** Does not close the file: the upload is verified and synced before that. */
  @Override
  public Future<Void> end() {
    return Future.succeededFuture();
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
