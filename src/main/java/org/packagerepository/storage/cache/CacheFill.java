package org.packagerepository.storage.cache;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import org.packagerepository.storage.GrowingFile;
import org.packagerepository.storage.Sha256;
import org.packagerepository.storage.StorageError;
import org.packagerepository.storage.StorageException;
import org.packagerepository.storage.driver.DemandReadStream;
import org.packagerepository.storage.driver.SharedChannel;
import org.packagerepository.storage.driver.StoreStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * One version of a package on its way from the store into the cache, which readers follow while it fills: a reader
 * gets each byte as soon as it is on disk, except the version's last byte, and its end, which come only once the whole
 * version is verified (size and SHA-256) and in the cache. So no reader is ever shown a partial or damaged version as
 * complete: an HTTP client counting bytes against Content-Length would take the last byte for the end. A fill that fails fails its
 * readers and leaves nothing in the cache.
 *
 * <p>Created and used on one context; file reads and the final check run on worker threads.
 */
public final class CacheFill {

  private static final int READ_CHUNK = 64 * 1024;
  /** Bytes hashed per trip to a worker thread. */
  private static final int HASH_BATCH_BYTES = 1024 * 1024;
  /** The most bytes waiting to be hashed before the copy waits: the batch being hashed and the one filling. */
  private static final long MAX_HASH_BACKLOG = 2L * HASH_BATCH_BYTES;

  private final Context context;
  private final CacheDirectory cache;
  private final String file;
  private final String etag;
  private final long size;
  private final String expectedSha256;
  private final Path part;
  private final Promise<CacheDirectory.Entry> done = Promise.promise();
  private final List<Reader> readers = new ArrayList<>();
  private final List<Follower> followers = new ArrayList<>();
  private final Promise<FileChannel> sharedOpened = Promise.promise();
  /**
   * The readers of the fill read through one channel opened on the part file when the fill started: it reads the same
   * bytes whatever happens to the file's name meanwhile (published by a rename, or deleted because this server changed
   * the package). Closed once the fill is over and no reader needs it.
   */
  private FileChannel shared;
  private long written;
  /**
   * The bytes are hashed as they go to the file, in order, a batch at a time on a worker thread: at the end the check
   * needs no second pass over the file, which the readers' last byte (and, in a cluster, every member's) waits for.
   */
  private final Sha256 digest = new Sha256();
  private Future<Void> hashing = Future.succeededFuture();
  private List<Buffer> hashBatch = new ArrayList<>();
  private long hashBatchBytes;
  /** Bytes written but not hashed yet: the copy waits while there are too many (its memory is bounded). */
  private long hashBacklog;
  private Handler<Void> hashDrain;

  private CacheFill(Context context, CacheDirectory cache, String file, String etag, long size, String expectedSha256,
                    Path part) {
    this.context = context;
    this.cache = cache;
    this.file = file;
    this.etag = etag;
    this.size = size;
    this.expectedSha256 = expectedSha256;
    this.part = part;
  }

  /**
   * Copies {@code source} (the whole version, {@code size} bytes) into the cache, for which {@code size} bytes must
   * already be reserved.
   *
   * @param expectedSha256 the version's SHA-256 when the store knows it; else the one computed is kept
   */
  public static CacheFill start(Context context, CacheDirectory cache, String file, String etag, long size,
                                String expectedSha256, ReadStream<Buffer> source) {
    return start(context, cache, file, etag, size, expectedSha256, Future.succeededFuture(source));
  }

  /**
   * The same with the store's answer still to come: the part file is made ready meanwhile, so that the first bytes
   * reach it (and the readers) as soon as they arrive. A fetch that fails fails the fill.
   */
  public static CacheFill start(Context context, CacheDirectory cache, String file, String etag, long size,
                                String expectedSha256, Future<ReadStream<Buffer>> source) {
    CacheFill fill = new CacheFill(context, cache, file, etag, size, expectedSha256, cache.newPart());
    fill.copy(source);
    return fill;
  }

  /** Completes with the cached version once it is verified and published; fails when the fill does. */
  public Future<CacheDirectory.Entry> done() {
    return done.future();
  }

  public long written() {
    return written;
  }

  /**
   * The part file for a reader that sends it itself (with sendfile) while the fill goes on, or null when the fill is
   * over (the cached file, or the store, serves the reader then); on the fill's context. The reader must
   * {@link Follower#release()} it.
   */
  public Future<Follower> follow() {
    return sharedOpened.future().<Follower>map(channel -> {
      if (done.future().isComplete()) {
        return null;
      }
      Follower follower = new Follower(channel);
      followers.add(follower);
      follower.update();
      return follower;
    }).otherwise((Follower) null);   // over before its file was open: nothing to follow
  }

  /** Bytes {@code [offset, offset + length)} of the version, as they arrive; on the fill's context. */
  public ReadStream<Buffer> reader(long offset, long length) {
    Reader reader = new Reader(offset, offset + length);
    readers.add(reader);
    return reader;
  }

  private void copy(Future<ReadStream<Buffer>> answer) {
    answer.onSuccess(ReadStream::pause);   // until the part file is ready for its bytes
    context.owner().fileSystem().open(part.toString(), new OpenOptions().setWrite(true).setCreateNew(true))
      .compose(out -> context.owner().executeBlocking(() -> FileChannel.open(part, StandardOpenOption.READ), false)
        .andThen(ar -> {
          if (ar.succeeded()) {
            shared = ar.result();
            sharedOpened.complete(ar.result());
          } else {
            sharedOpened.fail(ar.cause());
          }
        })
        .compose(channel -> answer)
        .compose(source -> source.pipe().to(new Counting(out)))
        .eventually(out::close))
      .compose(v -> written == size ? Future.succeededFuture()
        : Future.failedFuture(new StorageException(StorageError.CHANGED, file + ": the store sent " + written
          + " bytes instead of " + size)))
      .compose(v -> {
        hashCollected();
        return hashing;
      })
      .compose(v -> context.owner().executeBlocking(this::checkAndPublish, false))
      .onComplete(ar -> {
        if (ar.failed()) {
          answer.onSuccess(source -> {
            if (source instanceof StoreStream cancellable) {
              cancellable.cancel();   // e.g. the cache's disk failed: the store's answer is not wanted any more
            }
          });
          cache.unreserve(size);
          try {
            Files.deleteIfExists(part);
          } catch (IOException ignored) {
            // deleted when the cache next opens
          }
          done.fail(ar.cause());
        } else {
          done.complete(ar.result());
        }
        sharedOpened.tryFail(ar.cause() != null ? ar.cause() : new IllegalStateException("the fill is over"));
        new ArrayList<>(readers).forEach(Reader::more);
        new ArrayList<>(followers).forEach(Follower::update);
        closeSharedWhenUnused();
      });
  }

  private void closeSharedWhenUnused() {
    if (done.future().isComplete() && readers.isEmpty() && followers.isEmpty() && shared != null) {
      SharedChannel.closeQuietly(shared);
      shared = null;
    }
  }

  /** Hands the bytes collected so far to the hashing, behind the batches before them. */
  private void hashCollected() {
    if (hashBatch.isEmpty()) {
      return;
    }
    List<Buffer> batch = hashBatch;
    long bytes = hashBatchBytes;
    hashBatch = new ArrayList<>();
    hashBatchBytes = 0;
    hashing = hashing.compose(v -> context.owner().<Void>executeBlocking(() -> {
      for (Buffer chunk : batch) {
        digest.update(chunk);
      }
      return null;
    }, false)).andThen(ar -> {
      boolean wasFull = hashBacklog >= MAX_HASH_BACKLOG;
      hashBacklog -= bytes;
      Handler<Void> drain = hashDrain;
      if (wasFull && hashBacklog < MAX_HASH_BACKLOG && drain != null) {
        drain.handle(null);
      }
    });
  }

  private CacheDirectory.Entry checkAndPublish() throws IOException {
    String sha256 = digest.hex();
    if (expectedSha256 != null && !expectedSha256.equals(sha256)) {
      throw new StorageException(StorageError.CHANGED, file + ": the bytes from the store have SHA-256 " + sha256
        + ", not " + expectedSha256);
    }
    return cache.publish(part, file, etag, size, sha256, size);
  }

  /** The part file, counting what has reached it and telling the readers. */
  private final class Counting implements WriteStream<Buffer> {

    private final AsyncFile out;
    private Promise<Void> allWritten;
    private final java.util.ArrayDeque<long[]> inFlight = new java.util.ArrayDeque<>();

    Counting(AsyncFile out) {
      this.out = out;
    }

    /**
     * Writes go to the file at increasing positions but may complete out of order (on several worker threads): only a
     * prefix of completed writes counts as written, so that readers never read a hole.
     */
    @Override
    public Future<Void> write(Buffer data) {
      long[] pending = {data.length(), 0};   // length, completed
      inFlight.add(pending);
      hashBatch.add(data);
      hashBatchBytes += data.length();
      hashBacklog += data.length();
      if (hashBatchBytes >= HASH_BATCH_BYTES) {
        hashCollected();
      }
      Future<Void> write = out.write(data);
      write.onComplete(ar -> {
        pending[1] = 1;
        boolean advanced = false;
        while (!inFlight.isEmpty() && inFlight.peek()[1] == 1) {
          written += inFlight.poll()[0];
          advanced = true;
        }
        if (advanced) {
          new ArrayList<>(readers).forEach(Reader::more);
          followers.forEach(Follower::update);
        }
        if (inFlight.isEmpty() && allWritten != null) {
          allWritten.tryComplete();
        }
      });
      return write;
    }

    /** Completes once every write has completed (and been counted): the pipe waits for it before it completes. */
    @Override
    public Future<Void> end() {
      allWritten = Promise.promise();
      if (inFlight.isEmpty()) {
        allWritten.tryComplete();
      }
      return allWritten.future().compose(v -> out.flush());
    }

    @Override
    public boolean writeQueueFull() {
      return out.writeQueueFull() || hashBacklog >= MAX_HASH_BACKLOG;
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
      Handler<Void> onlyWhenNotFull = handler == null ? null : v -> {
        if (!writeQueueFull()) {
          handler.handle(null);
        }
      };
      hashDrain = onlyWhenNotFull;
      out.drainHandler(onlyWhenNotFull);
      return this;
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
      out.exceptionHandler(handler);
      return this;
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
      out.setWriteQueueMaxSize(maxSize);
      return this;
    }
  }

  /**
   * The fill as a {@link GrowingFile}, for a reader that sends the part file itself: what it may send is updated on
   * the fill's context and read on the reader's.
   */
  public final class Follower implements GrowingFile {

    private final FileChannel channel;
    private volatile long available;
    private volatile boolean complete;
    private volatile Throwable failure;
    private final List<Waiter> waiters = new ArrayList<>();

    private record Waiter(long position, Runnable listener) {
    }

    private Follower(FileChannel channel) {
      this.channel = channel;
    }

    /** The part file (the cached file once published): positional reads only, and never closed by the reader. */
    public FileChannel channel() {
      return channel;
    }

    @Override
    public long available() {
      return available;
    }

    @Override
    public boolean complete() {
      return complete;
    }

    @Override
    public Throwable failure() {
      return failure;
    }

    @Override
    public void whenBeyond(long position, Runnable listener) {
      synchronized (waiters) {
        if (!reached(position)) {
          waiters.add(new Waiter(position, listener));
          return;
        }
      }
      listener.run();
    }

    /** The reader is done with the file; from any thread. */
    public void release() {
      context.runOnContext(v -> {
        followers.remove(this);
        synchronized (waiters) {
          waiters.clear();
        }
        closeSharedWhenUnused();
      });
    }

    private boolean reached(long position) {
      return available > position || complete || failure != null;
    }

    /** On the fill's context, after it has written more or ended. */
    private void update() {
      if (done.future().failed()) {
        failure = done.future().cause();
      } else if (done.future().succeeded()) {
        available = written;
        complete = true;
      } else {
        available = Math.min(written, size - 1);
      }
      List<Runnable> due = new ArrayList<>();
      synchronized (waiters) {
        waiters.removeIf(waiter -> reached(waiter.position) && due.add(waiter.listener));
      }
      due.forEach(Runnable::run);
    }
  }

  /** Follows the fill: reads what is on disk, waits for more, ends once the fill is published. */
  private final class Reader extends DemandReadStream {

    private final long end;
    private long position;
    private boolean reading;
    private boolean closed;
    private FileChannel channel;
    private boolean ownChannel;

    Reader(long start, long end) {
      this.position = start;
      this.end = end;
    }

    @Override
    protected void more() {
      if (closed || reading || handler == null) {
        return;
      }
      if (done.future().failed()) {
        close();
        signalFailure(done.future().cause());
        return;
      }
      if (position >= end) {
        if (done.future().succeeded()) {
          close();
          signalEnd();
        }
        return;
      }
      long readable = done.future().succeeded() ? written : Math.min(written, size - 1);
      if (demand == 0 || readable <= position) {
        return;
      }
      int n = (int) Math.min(READ_CHUNK, Math.min(readable, end) - position);
      if (channel == null && shared != null) {
        channel = shared;   // the fill's own channel, on this context
      }
      reading = true;
      context.owner().executeBlocking(() -> read(position, n), false).onComplete(ar -> {
        reading = false;
        if (closed) {
          return;
        }
        if (ar.failed()) {
          close();
          signalFailure(ar.cause());
          return;
        }
        position += n;
        spend();
        handler.handle(ar.result());
        more();
      });
    }

    private Buffer read(long at, int n) throws IOException {
      if (channel == null) {
        // A reader that comes after the fill (its channel closed) reads the cached file.
        channel = FileChannel.open(cache.dataPath(file, etag), StandardOpenOption.READ);
        ownChannel = true;
      }
      ByteBuffer bytes = ByteBuffer.allocate(n);
      while (bytes.hasRemaining()) {
        if (channel.read(bytes, at + bytes.position()) < 0) {
          throw new IOException("The cache file ended early");
        }
      }
      return Buffer.buffer(bytes.array());
    }

    private void close() {
      closed = true;
      readers.remove(this);
      closeSharedWhenUnused();
      if (channel != null && ownChannel) {
        SharedChannel.closeQuietly(channel);
      }
    }

    @Override
    public DemandReadStream handler(Handler<Buffer> handler) {
      if (handler == null) {
        this.handler = null;
        close();
        return this;
      }
      return super.handler(handler);
    }
  }
}
