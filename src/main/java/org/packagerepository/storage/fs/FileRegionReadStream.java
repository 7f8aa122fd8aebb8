package org.packagerepository.storage.fs;

import io.vertx.core.Vertx;
import org.packagerepository.storage.driver.DemandReadStream;
import org.packagerepository.storage.driver.SharedChannel;

import java.nio.channels.FileChannel;

/**
 * Reads a region of an already opened file as a stream, one positional read at a time on a worker thread. Used
 * instead of {@code AsyncFile}, which can only open by path and so could open another version of the package than
 * the one that was checked.
 */
final class FileRegionReadStream extends DemandReadStream {

  static final int CHUNK_SIZE = 64 * 1024;

  private final Vertx vertx;
  private final FileChannel channel;
  private final long end;
  private long position;
  private boolean reading;
  private boolean done;

  FileRegionReadStream(Vertx vertx, FileChannel channel, long offset, long length) {
    this.vertx = vertx;
    this.channel = channel;
    this.position = offset;
    this.end = offset + length;
  }

  @Override
  protected void more() {
    if (reading || done || demand == 0 || handler == null) {
      return;
    }
    if (position >= end) {
      done = true;
      signalEnd();
      return;
    }
    reading = true;
    int size = (int) Math.min(CHUNK_SIZE, end - position);
    long at = position;
    vertx.executeBlocking(() -> SharedChannel.readFully(channel, at, size), false).onComplete(ar -> {
      reading = false;
      if (done) {
        return;
      }
      if (ar.failed()) {
        done = true;
        signalFailure(ar.cause());
        return;
      }
      position += size;
      spend();
      handler.handle(ar.result());
      more();
    });
  }
}
