package org.packagerepository.storage.swift;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.packagerepository.storage.StorageError;
import org.packagerepository.storage.StorageException;
import org.packagerepository.storage.driver.BatchingUpload;
import org.packagerepository.storage.remote.RemoteVersion;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * The bytes of one upload on their way into Swift, and how they become a package. Nothing is visible before
 * {@link #commit}, which happens only after the bytes were checked.
 *
 * <ul>
 *   <li>A package that ends within the first {@code bufferLimit} bytes is kept, hashed, and sent with one PUT that
 *   carries its SHA-256 in the metadata.</li>
 *   <li>A larger one whose SHA-256 and size were announced, and that fits in one object, streams straight to its
 *   name with the announced SHA-256 in the metadata; the last chunk is held back until the bytes are verified, because
 *   Swift creates the object only then. A mismatch resets the connection: the object is never created.</li>
 *   <li>Any other large package streams into segments of {@code segmentSize} bytes in the segment container, and
 *   becomes a Static Large Object when its manifest, which carries the computed SHA-256, is written: the manifest is
 *   the atomic publish. A failed upload deletes every segment it wrote.</li>
 * </ul>
 *
 * <p>Chunks are hashed in order on worker threads. The stream reports itself full while {@code bufferLimit} bytes wait
 * to be sent or hashed. All methods are called on the owning context.
 */
final class SwiftUpload extends BatchingUpload {

  static final String CONTENT_TYPE = "application/gzip";
  private static final long HASH_BATCH_BYTES = 1024 * 1024;

  private enum Mode { UNDECIDED, SMALL, DIRECT, SEGMENTED }

  private final Context context;
  private final SwiftClient swift;
  private final SwiftPaths paths;
  private final String file;
  private final String announcedSha256;
  private final long expectedSize;
  private final long segmentSize;
  private final long bufferLimit;
  private final Supplier<Future<Void>> containersReady;
  private final Runnable containersGone;
  private final SegmentCleaner cleaner;
  private final String id = UUID.randomUUID().toString();

  private List<Buffer> hashBatch = new ArrayList<>();
  private long hashBatchBytes;
  private long hashBacklog;

  private final ArrayDeque<Buffer> pending = new ArrayDeque<>();
  private long pendingBytes;
  private Mode mode = Mode.UNDECIDED;
  private StreamedPut target;
  /** Opening a PUT or closing a segment; nothing else moves meanwhile. */
  private Future<?> inFlight;
  /** Every segment that may exist, in order; the manifest entries of those finished. */
  private final List<String> segmentNames = new ArrayList<>();
  private final JsonArray manifest = new JsonArray();
  private boolean aborted;
  private long stallTimer = -1;

  /**
   * @param bufferLimit     how much may be held before streaming starts: packages up to this size are sent whole
   * @param containersReady makes sure the package and segment containers exist
   * @param containersGone  tells that a container was found missing
   * @param cleaner         deletes the segments of an upload that failed
   */
  SwiftUpload(Context context, SwiftClient swift, SwiftPaths paths, String file, String announcedSha256,
              long expectedSize, long segmentSize, long bufferLimit, Supplier<Future<Void>> containersReady,
              Runnable containersGone, SegmentCleaner cleaner) {
    this.context = context;
    this.swift = swift;
    this.paths = paths;
    this.file = file;
    this.announcedSha256 = announcedSha256;
    this.expectedSize = expectedSize;
    this.segmentSize = segmentSize;
    this.bufferLimit = Math.min(bufferLimit, segmentSize);
    this.containersReady = containersReady;
    this.containersGone = containersGone;
    this.cleaner = cleaner;
  }

  /** The id in the names of this upload's segments. */
  String id() {
    return id;
  }

  @Override
  protected <T> Future<T> blocking(Callable<T> work) {
    return context.owner().executeBlocking(work, false);
  }

  @Override
  protected Future<Void> accept(Buffer data) {
    pending.add(data);
    pendingBytes += data.length();
    hashBatch.add(data);
    hashBatchBytes += data.length();
    if (hashBatchBytes >= HASH_BATCH_BYTES) {
      hashBatch();
    }
    pump();
    return Future.succeededFuture();
  }

  @Override
  public boolean writeQueueFull() {
    return pendingBytes >= bufferLimit || hashBacklog >= bufferLimit;
  }

  /** The end completes when every byte is hashed and every byte but a small package's is in Swift (unpublished). */
  @Override
  protected void ending() {
    pump();
  }

  /** Publishes the package with {@code sha256} in its metadata, after a successful {@link #end()}; Swift's ETag. */
  Future<String> commit(String sha256) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Content-Type", CONTENT_TYPE)
      .add(SwiftObjects.SHA256_HEADER, sha256);
    return switch (mode) {
      case DIRECT -> target.finish().recover(this::containerGone);
      case SEGMENTED -> publishManifest(headers);
      default -> containersReady.get().compose(v -> created(swift.send(HttpMethod.PUT, paths.object(file), headers,
        new ArrayList<>(pending), file))).recover(this::containerGone);
    };
  }

  /**
   * Writes the manifest. Swift checks every segment before it answers, which may take long: with
   * {@code heartbeat=on} it answers 202 at once, keeps the connection alive, and puts the real status in the body.
   * When the outcome is unknown (the connection broke), the manifest is read back: if it names this upload's
   * segments, the package was published.
   */
  private Future<String> publishManifest(MultiMap headers) {
    headers.add("Accept", "application/json");
    return swift.send(HttpMethod.PUT, paths.object(file) + "?multipart-manifest=put&heartbeat=on", headers,
        List.of(manifest.toBuffer()), file)
      .compose(answer -> {
        if (answer.status() == 202) {
          JsonObject outcome = new JsonObject(answer.body().toString().trim());
          String status = outcome.getString("Response Status", "");
          return status.startsWith("201") ? Future.succeededFuture(RemoteVersion.unquote(outcome.getString("Etag")))
            : Future.failedFuture(SwiftErrors.status(leadingNumber(status), file));
        }
        return created(Future.succeededFuture(answer));
      })
      .recover(e -> e instanceof StorageException se && se.error() == StorageError.UNAVAILABLE
        ? publishedAnyway().compose(etag -> etag != null ? Future.succeededFuture(etag) : Future.failedFuture(e))
        : Future.failedFuture(e));
  }

  /** Swift's ETag of the package when its manifest is this upload's, else null. */
  private Future<String> publishedAnyway() {
    return swift.send(HttpMethod.HEAD, paths.object(file), null, null, file).compose(head -> {
      if (head.status() / 100 != 2 || !"true".equalsIgnoreCase(head.headers().get("X-Static-Large-Object"))) {
        return Future.succeededFuture(null);
      }
      return swift.send(HttpMethod.GET, paths.object(file) + "?multipart-manifest=get", null, null, file)
        .map(answer -> answer.status() / 100 == 2 && answer.body().toString().contains("/" + id + "/")
          ? RemoteVersion.unquote(head.headers().get("Etag")) : null);
    }).otherwise((String) null);
  }

  private static int leadingNumber(String status) {
    try {
      return Integer.parseInt(status.split(" ")[0]);
    } catch (NumberFormatException e) {
      return 500;
    }
  }

  /**
   * A PUT found no container: someone deleted it behind this server's back. It is created again before the next
   * upload; this one fails as something to try again.
   */
  private Future<String> containerGone(Throwable e) {
    if (e instanceof StorageException se && se.error() == StorageError.NOT_FOUND) {
      containersGone.run();
      return Future.failedFuture(new StorageException(StorageError.UNAVAILABLE, "The Swift container of the "
        + "packages is gone; it is created again on the next upload"));
    }
    return Future.failedFuture(e);
  }

  /** Leaves nothing behind: the object streaming in is never created, and every segment written is deleted. */
  @Override
  public Future<Void> cancel() {
    aborted = true;
    failQuietly(new IllegalStateException("The upload was aborted"));
    pending.clear();
    pendingBytes = 0;
    cancelStallTimer();
    if (target != null) {
      target.abort();
      target = null;
    }
    Future<?> waited = inFlight == null ? Future.succeededFuture() : inFlight;
    return waited.transform(ar -> cleaner.delete(segmentNames));
  }

  private void pump() {
    if (failure() != null || inFlight != null) {
      return;
    }
    if (mode == Mode.UNDECIDED) {
      if (ended() == null && pendingBytes < bufferLimit) {
        return;
      }
      if (ended() != null && pendingBytes <= bufferLimit) {
        mode = Mode.SMALL;
        return;
      }
      mode = announcedSha256 != null && expectedSize >= 0 && expectedSize <= segmentSize ? Mode.DIRECT : Mode.SEGMENTED;
    }
    if (mode == Mode.SMALL) {
      return;
    }
    while (!pending.isEmpty()) {
      if (target == null) {
        open();
        return;
      }
      if (target.failure() != null) {
        fail(target.failure());
        return;
      }
      if (target.writeQueueFull()) {
        waitForDrain(target);
        return;
      }
      Buffer chunk = pending.poll();
      if (mode == Mode.SEGMENTED && chunk.length() > segmentSize - target.written()) {
        int room = (int) (segmentSize - target.written());
        pending.addFirst(chunk.slice(room, chunk.length()));
        chunk = chunk.slice(0, room);
      }
      pendingBytes -= chunk.length();
      target.write(chunk);
      if (mode == Mode.SEGMENTED && target.written() == segmentSize) {
        closeSegment();
        return;
      }
    }
    drained();
    settle();
  }

  /**
   * Waits until Swift takes more bytes; a Swift that takes none for the timeout in the middle of an upload (an
   * overloaded or dead object server behind a live proxy) fails it instead of holding it forever. One timer runs
   * while the writer waits, however many writes find the queue full.
   */
  private void waitForDrain(StreamedPut waiting) {
    if (stallTimer < 0) {
      long timeoutMs = swift.timeoutMs();
      stallTimer = context.owner().setTimer(timeoutMs, id -> {
        stallTimer = -1;
        if (target == waiting) {
          fail(new StorageException(StorageError.UNAVAILABLE, "Swift took no bytes of " + file + " for "
            + timeoutMs / 1000 + " s; nothing was stored"));
        }
      });
    }
    waiting.drainHandler(v -> {
      cancelStallTimer();
      pump();
    });
  }

  private void cancelStallTimer() {
    if (stallTimer >= 0) {
      context.owner().cancelTimer(stallTimer);
      stallTimer = -1;
    }
  }

  private void open() {
    Future<StreamedPut> opened;
    if (mode == Mode.DIRECT) {
      MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Content-Type", CONTENT_TYPE)
        .add(SwiftObjects.SHA256_HEADER, announcedSha256);
      opened = containersReady.get().compose(v -> swift.startPut(paths.object(file), headers, file));
    } else {
      String name = paths.segmentName(file, id, segmentNames.size() + 1);
      segmentNames.add(name);
      opened = containersReady.get().compose(v -> swift.startPut(SwiftPaths.path(paths.segmentContainer(), name),
        MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/octet-stream"), file));
    }
    inFlight = opened;
    opened.onComplete(ar -> {
      inFlight = null;
      if (ar.failed()) {
        containerGone(ar.cause()).onFailure(this::fail);
      } else if (aborted) {
        ar.result().abort();
      } else {
        target = ar.result();
        target.failureHandler(this::fail);
        pump();
      }
    });
  }

  private void closeSegment() {
    cancelStallTimer();
    StreamedPut segment = target;
    target = null;
    String name = segmentNames.get(segmentNames.size() - 1);
    Future<String> finished = segment.finish();
    inFlight = finished;
    finished.onComplete(ar -> {
      inFlight = null;
      if (ar.failed()) {
        fail(ar.cause());
        return;
      }
      manifest.add(new JsonObject().put("path", "/" + paths.segmentContainerName() + "/" + name)
        .put("etag", ar.result()).put("size_bytes", segment.written()));
      pump();
    });
  }

  @Override
  protected void settle() {
    if (!endPending()) {
      return;
    }
    if (!pending.isEmpty() && mode != Mode.SMALL || inFlight != null || mode == Mode.UNDECIDED) {
      return;
    }
    if (mode == Mode.SEGMENTED && target != null) {
      closeSegment();
      return;
    }
    if (!hashBatch.isEmpty()) {
      hashBatch();
    }
    endAfterHashing(() -> target != null ? target.failure() : null);
  }

  private void hashBatch() {
    List<Buffer> batch = hashBatch;
    long bytes = hashBatchBytes;
    hashBatch = new ArrayList<>();
    hashBatchBytes = 0;
    hashBacklog += bytes;
    hash(batch).onComplete(ar -> {
      hashBacklog -= bytes;
      if (ar.failed()) {
        fail(ar.cause());
      } else {
        drained();
      }
    });
  }

  private Future<String> created(Future<SwiftClient.Answer> answer) {
    return answer.compose(a -> a.status() / 100 == 2 ? Future.succeededFuture(RemoteVersion.unquote(a.headers().get("Etag")))
      : Future.failedFuture(SwiftErrors.status(a.status(), file)));
  }
}
