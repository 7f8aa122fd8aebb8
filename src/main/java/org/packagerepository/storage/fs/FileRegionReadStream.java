package org.packagerepository.storage.fs;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads a region of an already opened file as a stream, one positional read at a time on a worker thread. Used
 * instead of {@code AsyncFile}, which can only open by path and so could open another version of the package than
 * the one that was checked.
 */
final class FileRegionReadStream implements ReadStream<Buffer> {

  static final int CHUNK_SIZE = 64 * 1024;

  private final Vertx vertx;
  private final FileChannel channel;
  private final long end;
  private long position;
  private long demand = Long.MAX_VALUE;
  private boolean reading;
  private boolean done;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;

  FileRegionReadStream(Vertx vertx, FileChannel channel, long offset, long length) {
    this.vertx = vertx;
    this.channel = channel;
    this.position = offset;
    this.end = offset + length;
  }

  @Override
  public FileRegionReadStream handler(Handler<Buffer> handler) {
    this.handler = handler;
    readMore();
    return this;
  }

  @Override
  public FileRegionReadStream endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    return this;
  }

  @Override
  public FileRegionReadStream exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  @Override
  public FileRegionReadStream pause() {
    demand = 0;
    return this;
  }

  @Override
  public FileRegionReadStream resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public FileRegionReadStream fetch(long amount) {
    demand = demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
    readMore();
    return this;
  }

  private void readMore() {
    if (reading || done || demand == 0 || handler == null) {
      return;
    }
    if (position >= end) {
      done = true;
      if (endHandler != null) {
        endHandler.handle(null);
      }
      return;
    }
    reading = true;
    int size = (int) Math.min(CHUNK_SIZE, end - position);
    long at = position;
    vertx.executeBlocking(() -> read(at, size), false).onComplete(ar -> {
      reading = false;
      if (done) {
        return;
      }
      if (ar.failed()) {
        done = true;
        if (exceptionHandler != null) {
          exceptionHandler.handle(ar.cause());
        }
        return;
      }
      position += size;
      if (demand != Long.MAX_VALUE) {
        demand--;
      }
      handler.handle(ar.result());
      readMore();
    });
  }

  private Buffer read(long at, int size) throws Exception {
    ByteBuffer bytes = ByteBuffer.allocate(size);
    while (bytes.hasRemaining()) {
      if (channel.read(bytes, at + bytes.position()) < 0) {
        throw new EOFException("The file ended before the announced length");
      }
    }
    return Buffer.buffer(bytes.array());
  }
}
