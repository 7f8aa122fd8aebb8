package org.packagerepository.storage;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.packagerepository.packages.PackageFile;
import org.packagerepository.transfer.Transfers;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Base of every backend's storage verticle: listens on the {@link StorageAddresses}, validates package names before
 * a backend sees them, and turns the backend's futures into replies. Errors reach the caller as
 * {@link StorageException}s; anything else becomes {@link StorageError#INTERNAL} with its message logged here.
 */
public abstract class StorageVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(StorageVerticle.class.getName());

  /**
   * How long a listing may be served again without asking the backend, unless a backend says otherwise: changes made
   * by other writers to the same storage are seen after this long at most; this server's own changes at once.
   */
  public static final long LISTING_MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final ListingCache listings;

  protected StorageVerticle() {
    this(LISTING_MAX_AGE_NANOS);
  }

  /** @param listingMaxAgeNanos how long a listing may be served again without asking the backend */
  protected StorageVerticle(long listingMaxAgeNanos) {
    this.listings = new ListingCache(listingMaxAgeNanos);
  }

  /** Every stored object, including those whose names are not valid package names (the caller filters). */
  protected abstract Future<List<PackageInfo>> list();

  /** A backend calls this when it has changed a package, before it answers the change. */
  protected void listingChanged() {
    listings.invalidate();
  }

  protected abstract Future<PackageInfo> stat(String file);

  protected abstract Future<OpenedRead> openRead(String file);

  /** Creates the sender of the request's transfer, answers once streaming has started, then streams. */
  protected abstract Future<Void> read(ReadRequest request);

  /**
   * Checks the request's conditions, creates the receiver of its transfer and answers; the outcome of the upload
   * (a {@link PackageInfo} as JSON, or a failure) then goes back on the transfer itself.
   */
  protected abstract Future<Void> openWrite(WriteRequest request);

  /**
   * Deletes a package; with {@code ifMatch} (an entity tag, or {@code *}) only the version of that tag: checked in the
   * same change as the delete, so that no upload through this server slips in between.
   */
  protected abstract Future<Void> delete(String file, String ifMatch);

  /** Succeeds when the backend can serve now: its directory, bucket or container answers. */
  protected abstract Future<Void> checkHealth();

  /** What this backend counts, as JSON; nothing by default. */
  protected JsonObject counters() {
    return new JsonObject();
  }

  @Override
  public Future<?> start() {
    Transfers.registerCodecs(vertx);
    StorageCodecs.register(vertx);
    EventBus bus = vertx.eventBus();
    return Future.all(List.of(
      bus.<JsonObject>consumer(StorageAddresses.LIST, m -> answer(m, listing(m.body().getLong("known", 0L)))).completion(),
      bus.<JsonObject>consumer(StorageAddresses.STAT, m -> withFile(m, file -> stat(file).map(PackageInfo::toJson))).completion(),
      bus.<JsonObject>consumer(StorageAddresses.OPEN_READ, m -> withFile(m, this::openRead)).completion(),
      bus.<JsonObject>consumer(StorageAddresses.READ, m -> {
        ReadRequest request = ReadRequest.fromJson(m.body());
        withFile(m, file -> read(request).map(v -> new JsonObject()));
      }).completion(),
      bus.<JsonObject>consumer(StorageAddresses.OPEN_WRITE, m -> {
        WriteRequest request = WriteRequest.fromJson(m.body());
        withFile(m, file -> openWrite(request).map(v -> new JsonObject()));
      }).completion(),
      bus.<JsonObject>consumer(StorageAddresses.DELETE, m -> withFile(m, file -> delete(file, m.body().getString("ifMatch")).map(v -> new JsonObject()))).completion(),
      bus.<JsonObject>consumer(StorageAddresses.COUNTERS, m -> m.reply(counters())).completion(),
      bus.<JsonObject>consumer(StorageAddresses.HEALTH, m -> answer(m, checkHealth().map(v -> new JsonObject())))
        .completion()
    ));
  }

  /** The listing, or only its generation when the caller already has that one. */
  private Future<JsonObject> listing(long known) {
    return listings.get(this::list).map(listing -> {
      JsonObject reply = new JsonObject().put("generation", listing.generation());
      if (listing.generation() != known) {
        JsonArray objects = new JsonArray(new ArrayList<>(listing.objects().size()));
        for (PackageInfo info : listing.objects()) {
          objects.add(info.toJson());
        }
        reply.put("objects", objects);
      }
      return reply;
    });
  }

  private void withFile(Message<JsonObject> message, Function<String, Future<?>> action) {
    String file = message.body().getString("file");
    if (file == null || !PackageFile.isValid(file)) {
      message.fail(StorageError.INVALID_NAME.code(), "\"" + file + "\" is not a valid package file name");
      return;
    }
    Future<?> result;
    try {
      result = action.apply(file);
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
      if (e instanceof StorageException se) {
        message.fail(se.error().code(), se.getMessage());
      } else {
        LOG.log(System.Logger.Level.ERROR, "Storage request to " + message.address() + " failed", e);
        message.fail(StorageError.INTERNAL.code(), "The storage backend failed: " + e.getMessage());
      }
    });
  }
}
