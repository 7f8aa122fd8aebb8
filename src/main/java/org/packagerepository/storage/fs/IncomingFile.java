package org.packagerepository.storage.fs;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import org.packagerepository.storage.driver.BatchingUpload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The temporary file of an upload, written in batches by worker threads that also hash them.
 *
 * <p>The event loop only collects chunks: while one batch is being written, the next one fills, and the stream reports
 * itself full once that one reaches {@code batchBytes}, so an upload holds at most two batches besides its transfer
 * window. One batch per upload is in flight at a time, which keeps the file's bytes in order without an ordered queue
 * shared by all uploads. Writing and hashing chunk by chunk on the event loop cost a thread hand-off per 64 KiB chunk and
 * capped uploads at a fraction of what the disk takes.
 *
 * <p>{@link #end()} completes when every byte is in the file (forced to the disk when {@code sync} is set) and the file
 * is closed, and fails if any write did: an upload whose last bytes never reached the file must not be published.
 * {@link #cancel()} closes and deletes it. All methods are called on the owning event loop.
 *
 * <p>With {@code sync}, the file is also forced every {@link #FORCE_EVERY_BYTES} while the upload goes on, on another
 * worker thread beside the writes: the kernel would otherwise start writing a large upload to the disk only when the
 * last force asks for it, and the client would wait for all of it after its last byte.
 */
final class IncomingFile extends BatchingUpload {

  /** Bytes written between two forces of a file forced at its end. */
  static final long FORCE_EVERY_BYTES = 64L * 1024 * 1024;

  private final WorkerExecutor worker;
  private final Path path;
  private final FileChannel channel;
  private final int batchBytes;
  private final boolean sync;
  /** Bytes written since a force was last started. */
  private long unforced;
  private Future<Void> forcing;
  private List<Buffer> filling = new ArrayList<>();
  private int fillingBytes;
  private Promise<Void> fillingWritten;
  private Future<Void> inFlight;
  private Future<Void> closed;

  IncomingFile(WorkerExecutor worker, Path path, FileChannel channel, int batchBytes, boolean sync) {
    this.worker = worker;
    this.path = path;
    this.channel = channel;
    this.batchBytes = batchBytes;
    this.sync = sync;
  }

  /** Creates {@code path}, which must not exist, and returns it ready for writing; its end does not force it. */
  static Future<IncomingFile> create(WorkerExecutor worker, Path path, int batchBytes) {
    return create(worker, path, batchBytes, false);
  }

  /** The same, whose end forces the file's bytes to the disk when {@code sync}. */
  static Future<IncomingFile> create(WorkerExecutor worker, Path path, int batchBytes, boolean sync) {
    return worker.executeBlocking(() -> new IncomingFile(worker, path,
      FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW), batchBytes, sync), false);
  }

  /** The temporary file. */
  Path path() {
    return path;
  }

  @Override
  protected <T> Future<T> blocking(Callable<T> work) {
    return worker.executeBlocking(work, false);
  }

  @Override
  protected boolean closedToWrites() {
    return closed != null;
  }

  @Override
  protected Future<Void> accept(Buffer data) {
    filling.add(data);
    fillingBytes += data.length();
    if (fillingWritten == null) {
      fillingWritten = Promise.promise();
    }
    Future<Void> written = fillingWritten.future();
    if (inFlight == null) {
      writeBatch();
    }
    return written;
  }

  @Override
  protected Future<Void> afterEnd() {
    return (sync ? forced().compose(v -> force()) : Future.succeededFuture()).compose(v -> close());
  }

  /** Completes when the force under way, if any, has. */
  private Future<Void> forced() {
    return forcing == null ? Future.succeededFuture() : forcing.otherwiseEmpty();
  }

  /** Starts forcing what is written so far, unless a force is under way. */
  private void forceSoFar(long bytes) {
    unforced += bytes;
    if (!sync || unforced < FORCE_EVERY_BYTES || forcing != null || closed != null) {
      return;
    }
    unforced = 0;
    Future<Void> started = force();
    forcing = started;
    started.onComplete(ar -> forcing = null);
  }

  private Future<Void> force() {
    return worker.executeBlocking(() -> {
      channel.force(false);
      return null;
    }, false);
  }

  @Override
  public Future<Void> cancel() {
    failQuietly(new IllegalStateException("The upload was cancelled"));
    return close().transform(ar -> worker.executeBlocking(() -> {
      Files.deleteIfExists(path);
      return null;
    }, false)).otherwiseEmpty().mapEmpty();
  }

  /** Closes the file once a batch being written has finished; a no-op when called again. */
  Future<Void> close() {
    if (closed == null) {
      Future<Void> writing = Future.join(inFlight == null ? Future.succeededFuture() : inFlight, forced()).mapEmpty();
      closed = writing.transform(ar -> worker.executeBlocking(() -> {
        channel.close();
        return null;
      }, false));
      filling.clear();
    }
    return closed;
  }

  private void writeBatch() {
    List<Buffer> batch = filling;
    int batchSize = fillingBytes;
    Promise<Void> written = fillingWritten;
    filling = new ArrayList<>();
    fillingBytes = 0;
    fillingWritten = null;
    // Hashing and writing a batch run side by side on two threads: each costs about as much as the other.
    Future<Void> hashed = hash(batch);
    Future<Void> stored = worker.executeBlocking(() -> {
      write(batch);
      return null;
    }, false);
    inFlight = Future.all(hashed, stored).mapEmpty();
    inFlight.onComplete(ar -> {
      inFlight = null;
      if (ar.failed()) {
        failQuietly(ar.cause());   // told through the futures of write() and end()
      }
      if (failure() != null) {
        written.tryFail(failure());
        if (fillingWritten != null) {
          fillingWritten.tryFail(failure());
        }
        filling.clear();
        fillingBytes = 0;
      } else {
        written.complete();
        forceSoFar(batchSize);
        if (!filling.isEmpty() && closed == null) {
          writeBatch();
        }
      }
      // A batch written faster than this handler was registered completes it at once, inside the previous batch's
      // handler: drain before settling the end, so that whoever waits for the end finds the drain already told.
      drained();
      settle();
    });
  }

  /** On a worker thread. */
  private void write(List<Buffer> batch) throws IOException {
    for (Buffer chunk : batch) {
      ByteBuffer bytes = ((BufferInternal) chunk).getByteBuf().nioBuffer();
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
    }
  }

  @Override
  protected void settle() {
    if (ended() == null || inFlight != null) {
      return;
    }
    if (failure() != null) {
      ended().tryFail(failure());
    } else if (filling.isEmpty()) {
      ended().tryComplete();
    }
  }

  @Override
  public boolean writeQueueFull() {
    return fillingBytes >= batchBytes;
  }

}
