package org.packagerepository.storage.driver;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.packagerepository.packages.PackageFile;
import org.packagerepository.storage.OpenedRead;
import org.packagerepository.storage.PackageInfo;
import org.packagerepository.storage.ReadRequest;
import org.packagerepository.storage.StorageAddresses;
import org.packagerepository.storage.StorageBackend;
import org.packagerepository.storage.StorageClient;
import org.packagerepository.storage.StorageCodecs;
import org.packagerepository.storage.StorageError;
import org.packagerepository.storage.StorageException;
import org.packagerepository.storage.WriteRequest;
import org.packagerepository.transfer.ChunkReceiver;
import org.packagerepository.transfer.TransferException;
import org.packagerepository.transfer.TransferOptions;
import org.packagerepository.transfer.Transfers;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Base of every backend's storage verticle: listens on the {@link StorageAddresses}, validates package names before
 * a backend sees them, and turns the backend's futures into replies. Errors reach the caller as
 * {@link StorageException}s; anything else becomes {@link StorageError#INTERNAL} with its message logged here.
 *
 * <p>It runs the write protocol, the same for every backend: the conditions of an upload are checked against the
 * package's current version, the backend {@linkplain #begin begins} an {@link Upload} into its temporary space, the
 * transfer is piped into it, the byte count and SHA-256 are verified, and then, in the package's turn of the
 * {@link ChangeQueue} (so that no other change of this server slips in between), the conditions are checked again and
 * the backend {@linkplain #commit publishes} it. Whatever fails, the upload is {@linkplain Upload#cancel cancelled}
 * before the failure is answered. Deletes take the same turn. A backend implements the steps, not the sequence.
 *
 * @param <V> what the backend knows of a package's current version
 * @param <U> the backend's upload
 */
public abstract class StorageVerticle<V, U extends Upload> extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(StorageVerticle.class.getName());
  /** How long an upload that failed may take to clean up before its failure is answered anyway. */
  private static final long DEFAULT_CANCEL_WAIT_MILLIS = 10_000;

  /**
   * How long a listing may be served again without asking the backend, unless a backend says otherwise: changes made
   * by other writers to the same storage are seen after this long at most; this server's own changes at once.
   */
  public static final long LISTING_MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** Names of state objects: safe in a path, a key or a URL as they are. */
  private static final java.util.regex.Pattern STATE_NAME = java.util.regex.Pattern.compile("[a-z0-9-]{1,64}");

  private final ListingCache listings;
  private final ChangeQueue changes = new ChangeQueue();
  private final TransferOptions uploadTransfers =
    new TransferOptions().setWindowBytes(StorageBackend.uploadWindowBytes(Runtime.getRuntime().maxMemory()));
  /** The uploads being received or published, cancelled when the verticle stops. */
  private final Set<U> uploads = new HashSet<>();
  private Coordination coordination = Coordination.NONE;

  protected StorageVerticle() {
    this(LISTING_MAX_AGE_NANOS);
  }

  /** @param listingMaxAgeNanos how long a listing may be served again without asking the backend */
  protected StorageVerticle(long listingMaxAgeNanos) {
    this.listings = new ListingCache(listingMaxAgeNanos);
  }

  /** Every stored object, including those whose names are not valid package names (the caller filters). */
  protected abstract Future<List<PackageInfo>> list();

  /** A backend calls this when something else than this verticle's changes may have changed the listing. */
  protected void listingChanged() {
    listings.invalidate();
  }

  protected abstract Future<PackageInfo> stat(String file);

  protected abstract Future<OpenedRead> openRead(String file);

  /**
   * Version {@code etag} of {@code file} as a local file the caller sends itself, which may still be
   * {@link OpenedRead#growing() growing}; null (the default) when the caller must stream it with {@link #read}. Fails
   * with {@link StorageError#CHANGED} when the package is at another version now.
   */
  protected Future<OpenedRead> follow(String file, String etag) {
    return Future.succeededFuture();
  }

  /**
   * A short-lived URL where the store itself serves the current version of {@code file}; null (the default) when this
   * backend has none to give.
   */
  protected Future<String> redirect(String file) {
    return Future.succeededFuture();
  }

  /** Creates the sender of the request's transfer, answers once streaming has started, then streams. */
  protected abstract Future<Void> read(ReadRequest request);

  /** Succeeds when the backend can serve now: its directory, bucket or container answers. */
  protected abstract Future<Void> checkHealth();

  /**
   * The bytes of state object {@code name} ({@link StorageAddresses#READ_STATE}), or null when there is none. The
   * backend keeps it at a hidden place that its listing never shows; {@code name} is checked already.
   */
  protected abstract Future<Buffer> readState(String name);

  /** Replaces state object {@code name} with {@code bytes}, as a whole: a reader sees the old or the new bytes. */
  protected abstract Future<Void> writeState(String name, Buffer bytes);

  /** What this backend counts, as JSON; nothing by default. */
  protected JsonObject counters() {
    return new JsonObject();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The steps of a change, which the write protocol runs

  /**
   * The version of {@code file} stored now, asked of the store (not of what was known a moment ago), or null when
   * there is none.
   *
   * @param withEtag whether the caller needs its {@link #etag}; without, existence is enough (which may be cheaper)
   */
  protected abstract Future<V> current(String file, boolean withEtag);

  /** The entity tag of a version that {@link #current} returned with its entity tag. */
  protected abstract String etag(V version);

  /** Gets temporary space ready for the request's bytes. Nothing is visible until {@link #commit}. */
  protected abstract Future<U> begin(WriteRequest request);

  /**
   * Publishes a verified upload as {@code file}, replacing {@code current} (null: there is none). Runs in the
   * package's turn, after the request's conditions held against {@code current}; with a create-only request, a
   * backend that can refuses atomically to replace a version that appeared meanwhile behind this server's back.
   *
   * @return what was stored
   */
  protected abstract Future<PackageInfo> commit(WriteRequest request, U upload, V current, String sha256);

  /** Deletes version {@code current} of {@code file}, in the package's turn, after the conditions held. */
  protected abstract Future<Void> remove(String file, V current);

  /**
   * This verticle changed {@code file}, or tried to, or another writer did: what the backend knew of it no longer
   * holds. For this verticle's own changes, called in the change's turn, before the change is answered.
   */
  protected void changed(String file) {
  }

  /** Another writer may have changed any package (this member was cut off from the others): forget them all. */
  protected void changedAll() {
  }

  /** The failure to answer for {@code e}, which is not a {@link StorageException}: the backend's error mapping. */
  protected StorageException storageError(Throwable e) {
    return new StorageException(StorageError.INTERNAL, "The storage backend failed: " + e.getMessage(), e);
  }

  /** How long a failed upload's {@link Upload#cancel} may take before its failure is answered anyway. */
  protected long cancelWaitMillis() {
    return DEFAULT_CANCEL_WAIT_MILLIS;
  }

  /** How this verticle's changes and reads are coordinated with other instances (none but itself by default). */
  protected final Coordination coordination() {
    return coordination;
  }

  /** The uploads being received or published now. */
  protected final Set<U> uploadsInProgress() {
    return java.util.Collections.unmodifiableSet(uploads);
  }

  /** Releases the backend's resources when the verticle stops, after the uploads in progress were cancelled. */
  protected Future<?> close() {
    return Future.succeededFuture();
  }

  @Override
  public Future<?> start() {
    coordination = Coordination.of(vertx);
    Transfers.registerCodecs(vertx);
    StorageCodecs.register(vertx);
    EventBus bus = vertx.eventBus();
    return Future.all(List.of(
      bus.<JsonObject>localConsumer(StorageAddresses.LIST, m -> answer(m, listing(m.body().getLong("known", 0L)))).completion(),
      bus.<JsonObject>localConsumer(StorageAddresses.STAT, m -> withFile(m, file -> stat(file).map(PackageInfo::toJson))).completion(),
      bus.<JsonObject>localConsumer(StorageAddresses.OPEN_READ, m -> withFile(m, this::openRead)).completion(),
      bus.<JsonObject>localConsumer(StorageAddresses.FOLLOW, m -> withFile(m, file -> follow(file,
        m.body().getString("etag")))).completion(),
      bus.<JsonObject>localConsumer(StorageAddresses.READ, m -> {
        ReadRequest request = ReadRequest.fromJson(m.body());
        withFile(m, file -> read(request).map(v -> new JsonObject()));
      }).completion(),
      bus.<JsonObject>localConsumer(StorageAddresses.OPEN_WRITE, m -> {
        WriteRequest request = WriteRequest.fromJson(m.body());
        withFile(m, file -> openWrite(request).map(v -> new JsonObject()));
      }).completion(),
      bus.<JsonObject>localConsumer(StorageAddresses.DELETE, m -> withFile(m, file -> delete(file, m.body().getString("ifMatch"))
        .map(v -> new JsonObject()))).completion(),
      bus.<JsonObject>localConsumer(StorageAddresses.REDIRECT, m -> withFile(m, file -> redirect(file)
        .map(url -> url == null ? new JsonObject() : new JsonObject().put("url", url)))).completion(),
      bus.<JsonObject>localConsumer(StorageAddresses.READ_STATE, m -> withStateName(m, name -> readState(name)
        .map(bytes -> bytes == null ? new JsonObject() : new JsonObject().put("state", new JsonObject(bytes)))))
        .completion(),
      bus.<JsonObject>localConsumer(StorageAddresses.WRITE_STATE, m -> withStateName(m, name -> {
        JsonObject state = m.body().getJsonObject("state");
        if (state == null) {
          throw new StorageException(StorageError.INTERNAL, "No state to write to " + name);
        }
        return writeState(name, state.toBuffer()).map(v -> new JsonObject());
      })).completion(),
      bus.<JsonObject>localConsumer(StorageAddresses.COUNTERS, m -> m.reply(counters())).completion(),
      bus.<JsonObject>localConsumer(StorageAddresses.CHANGED, m -> {
        String file = m.body().getString("file");
        listingChanged();
        if (file == null) {
          changedAll();
        } else {
          changed(file);
        }
      }).completion(),
      bus.<JsonObject>localConsumer(StorageAddresses.HEALTH, m -> answer(m, checkHealth().map(v -> new JsonObject())))
        .completion()
    ));
  }

  /** Cancels the uploads in progress (nothing of them stays), then lets the backend release what it holds. */
  @Override
  public Future<?> stop() {
    List<Future<Void>> cancelled = new ArrayList<>();
    for (U upload : uploads) {
      cancelled.add(upload.cancel());
    }
    uploads.clear();
    return Future.join(cancelled).transform(ar -> close());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The write protocol

  /**
   * Checks the request's conditions, begins the upload, creates the receiver of its transfer and answers; the outcome
   * (a {@link PackageInfo} as JSON, or a failure) then goes back on the transfer itself.
   */
  private Future<Void> openWrite(WriteRequest request) {
    return current(request.file(), WriteChecks.needsCurrentEtag(request)).compose(current -> {
      checkConditions(request, current);
      return begin(request);
    }).map(upload -> {
      receive(request, upload);
      return null;
    });
  }

  private void receive(WriteRequest request, U upload) {
    String file = request.file();
    uploads.add(upload);
    ChunkReceiver receiver = ChunkReceiver.create(vertx, request.transfer(), uploadTransfers);
    Promise<Void> streamed = Promise.promise();
    upload.exceptionHandler(streamed::tryFail);
    // Ends the upload only on success, and its end waits for the last byte to be stored: a failed write fails it.
    receiver.pipe().endOnFailure(false).to(upload).onComplete(ar -> {
      if (ar.succeeded()) {
        streamed.tryComplete();
      } else {
        streamed.tryFail(ar.cause());
      }
    });
    streamed.future()
      .compose(v -> WriteChecks.verify(request, upload.written(), upload.sha256()))
      .compose(sha256 -> changes.run(file, () -> coordination.locked(file, () -> current(file,
          WriteChecks.needsCurrentEtag(request))
        .compose(current -> {
          checkConditions(request, current);
          return commit(request, upload, current, sha256);
        })
        .andThen(ar -> {
          if (ar.succeeded()) {
            changedHere(file, true, ar.result());
          }
        }))))
      .onComplete(ar -> {
        if (ar.succeeded()) {
          uploads.remove(upload);
          receiver.complete(ar.result().toJson());
          return;
        }
        // Answered once the upload has cleaned up, so that the client never sees its leftovers; but not later than
        // the backend's wait, should the store be slow to delete them.
        Future<Void> cancelled = upload.cancel().onComplete(v -> uploads.remove(upload));
        Promise<Void> settled = Promise.promise();
        cancelled.onComplete(v -> settled.tryComplete());
        vertx.setTimer(cancelWaitMillis(), id -> settled.tryComplete());
        settled.future().onComplete(v -> {
          if (!(ar.cause() instanceof TransferException)) {
            StorageException error = asStorageError(ar.cause());
            receiver.fail(error.error().transferCode(), error.getMessage());
          }
        });
      });
  }

  /**
   * Deletes a package; with {@code ifMatch} (an entity tag, or {@code *}) only the version of that tag: checked in the
   * same turn as the delete, so that no upload through this server slips in between.
   */
  private Future<Void> delete(String file, String ifMatch) {
    return changes.run(file, () -> coordination.locked(file, () -> current(file, WriteChecks.needsCurrentEtag(ifMatch))
      .compose(current -> {
        if (current == null) {
          throw StorageException.notFound(file);
        }
        WriteChecks.checkIfMatch(file, ifMatch, etag(current));
        return remove(file, current);
      })
      .andThen(ar -> {
        // Whatever happened, what was known of the package may no longer hold.
        changedHere(file, ar.succeeded(), null);
      })));
  }

  private void checkConditions(WriteRequest request, V current) {
    WriteChecks.checkConditions(request, current != null,
      current != null && WriteChecks.needsCurrentEtag(request) ? etag(current) : null);
  }

  /**
   * This verticle changed {@code file}: {@code stored} is what it holds now (null when deleted), and the listing takes
   * the change as it is; with {@code known} false the change may or may not have happened, and the listing is asked
   * for again. Here at once, and the other instances are told.
   */
  private void changedHere(String file, boolean known, PackageInfo stored) {
    if (known) {
      listings.applied(file, stored);
    } else {
      listingChanged();
    }
    changed(file);
    coordination.changed(file);
  }

  private StorageException asStorageError(Throwable e) {
    if (e instanceof StorageException se) {
      return se;
    }
    return storageError(e);
  }

  /** The listing, or only its generation when the caller already has that one. */
  private Future<StorageClient.Listing> listing(long known) {
    return listings.get(this::list).map(listing -> new StorageClient.Listing(listing.generation(),
      listing.generation() == known ? null : listing.objects()));
  }

  private void withFile(Message<JsonObject> message, Function<String, Future<?>> action) {
    withName(message, "file", PackageFile::isValid, "a valid package file name", action);
  }

  /** Like {@link #withFile}, for the name of a state object: one a backend can put in a key or a path as it is. */
  private void withStateName(Message<JsonObject> message, Function<String, Future<?>> action) {
    withName(message, "name", name -> STATE_NAME.matcher(name).matches(), "a valid state name", action);
  }

  /** Runs {@code action} on the message's {@code key} and answers with its outcome, if the name is valid. */
  private void withName(Message<JsonObject> message, String key, java.util.function.Predicate<String> valid,
                        String what, Function<String, Future<?>> action) {
    String name = message.body().getString(key);
    if (name == null || !valid.test(name)) {
      message.fail(StorageError.INVALID_NAME.code(), "\"" + name + "\" is not " + what);
      return;
    }
    Future<?> result;
    try {
      result = action.apply(name);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    answer(message, result);
  }

  private void answer(Message<JsonObject> message, Future<?> result) {
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        message.reply(ar.result());
        return;
      }
      Throwable e = ar.cause();
      if (!(e instanceof StorageException)) {
        LOG.log(System.Logger.Level.ERROR, "Storage request to " + message.address() + " failed", e);
      }
      StorageException error = asStorageError(e);
      message.fail(error.error().code(), error.getMessage());
    });
  }
}
