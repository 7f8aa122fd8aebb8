package org.packagerepository.storage.driver;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import org.packagerepository.storage.Sha256;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * What every backend's {@link Upload} shares: it counts the bytes it takes, hashes them in order a batch at a time on
 * worker threads, refuses bytes after a failure or after its end, tells the writer when it may write again, and tells
 * the stream's exception handler of a failure that happens between writes (a batch or part sent in the background), so
 * that a writer waiting for a drain learns of it. A backend says what it does with each chunk ({@link #accept}), when
 * it is full, and when its end is reached ({@link #settle}).
 *
 * <p>All methods are called on the backend's event loop.
 */
public abstract class BatchingUpload implements Upload {

  private final Sha256 digest = new Sha256();
  /** The hashing of the batches handed over so far, in order. */
  private Future<Void> hashing = Future.succeededFuture();
  private long received;
  private Throwable failure;
  private Promise<Void> ended;
  private Handler<Void> drainHandler;
  private Handler<Throwable> exceptionHandler;

  /** Runs {@code work} on a worker thread. */
  protected abstract <T> Future<T> blocking(Callable<T> work);

  /** Takes a chunk, already counted; the future completes when the writer may count on it. */
  protected abstract Future<Void> accept(Buffer data);

  /**
   * Completes {@link #ended()} once everything is where it must be, or fails it; called after the end and again
   * after each change of state that may finish it (it must do nothing when the end is not reached yet).
   */
  protected abstract void settle();

  /** Called once when the writer ends, before {@link #settle()}. */
  protected void ending() {
  }

  /** What the end waits for once everything is settled (a flush, a close); nothing by default. */
  protected Future<Void> afterEnd() {
    return Future.succeededFuture();
  }

  /** Whether the upload takes no more bytes besides its end (e.g. its file is closed). */
  protected boolean closedToWrites() {
    return false;
  }

  @Override
  public final long written() {
    return received;
  }

  @Override
  public final String sha256() {
    return digest.hex();
  }

  @Override
  public final Future<Void> write(Buffer data) {
    if (failure != null) {
      return Future.failedFuture(failure);
    }
    if (ended != null || closedToWrites()) {
      return Future.failedFuture(new IllegalStateException("The upload takes no more bytes"));
    }
    received += data.length();
    return accept(data);
  }

  /** Completes when every byte is hashed and where the backend keeps it until it is published. */
  @Override
  public final Future<Void> end() {
    if (ended == null) {
      ended = Promise.promise();
      ending();
      settle();
    }
    return ended.future().compose(v -> afterEnd());
  }

  /** Hashes {@code batch} after the batches before it; the hashing of everything handed over so far. */
  protected final Future<Void> hash(List<Buffer> batch) {
    hashing = hashing.compose(v -> blocking(() -> {
      for (Buffer chunk : batch) {
        digest.update(chunk);
      }
      return null;
    }));
    return hashing;
  }

  /** The promise of the end; null before the writer ended. */
  protected final Promise<Void> ended() {
    return ended;
  }

  /** The first failure, or null. */
  protected final Throwable failure() {
    return failure;
  }

  /**
   * Records the first failure and tells the exception handler; then a writer waiting for room is told to write again
   * (to learn of it), and the end is settled.
   */
  protected final void fail(Throwable e) {
    if (failure == null) {
      failure = e;
      Handler<Throwable> handler = exceptionHandler;
      if (handler != null) {
        handler.handle(e);
      }
    }
    drained();
    settle();
  }

  /** Records a failure without telling anyone (the upload is being cancelled). */
  protected final void failQuietly(Throwable e) {
    if (failure == null) {
      failure = e;
    }
  }

  /** Tells a writer waiting for room that it may write again (or learn of the failure). */
  protected final void drained() {
    Handler<Void> handler = drainHandler;
    if (handler != null && (failure != null || !writeQueueFull())) {
      handler.handle(null);
    }
  }

  /**
   * Whether the end is still to be settled: not before the end, nor once it is settled; after a failure it is failed
   * with it here.
   */
  protected final boolean endPending() {
    if (ended == null || ended.future().isComplete()) {
      return false;
    }
    if (failure != null) {
      ended.tryFail(failure);
      return false;
    }
    return true;
  }

  /** Completes the end once the hashing is done, unless something failed meanwhile. */
  protected final void endAfterHashing() {
    endAfterHashing(() -> null);
  }

  /** The same, also failing the end with what {@code otherFailure} tells once the hashing is done (null: nothing). */
  protected final void endAfterHashing(Supplier<Throwable> otherFailure) {
    hashing.onComplete(ar -> {
      Throwable failed = failure != null ? failure : otherFailure.get();
      if (ar.failed()) {
        ended.tryFail(ar.cause());
      } else if (failed != null) {
        ended.tryFail(failed);
      } else {
        ended.tryComplete();
      }
    });
  }

  @Override
  public final BatchingUpload exceptionHandler(Handler<Throwable> handler) {
    exceptionHandler = handler;
    return this;
  }

  @Override
  public final BatchingUpload setWriteQueueMaxSize(int maxSize) {
    return this;
  }

  @Override
  public final BatchingUpload drainHandler(Handler<Void> handler) {
    drainHandler = handler;
    return this;
  }
}
