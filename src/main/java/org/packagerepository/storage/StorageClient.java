package org.packagerepository.storage;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.packagerepository.metrics.Metrics;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The requesting side of the storage protocol (see {@code package-info.java}): turns the control messages into
 * futures and event-bus failures back into {@link StorageException}s. Use from a Vert.x context.
 */
public final class StorageClient {

  /**
   * Long enough for a backend to hash a large package it has never seen (file system) or for a slow store to answer;
   * a storage verticle that does not answer at all still frees the caller eventually.
   */
  public static final long DEFAULT_TIMEOUT_MS = 10 * 60 * 1000L;

  private final EventBus bus;
  private final DeliveryOptions options;
  private final MeterRegistry meters;
  private final ReadShortcuts shortcuts;
  private final java.util.Map<String, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();

  public StorageClient(Vertx vertx) {
    this(vertx, DEFAULT_TIMEOUT_MS);
  }

  public StorageClient(Vertx vertx, long timeoutMs) {
    StorageCodecs.register(vertx);
    this.bus = vertx.eventBus();
    // Local only: in cluster mode another member listens on the same addresses.
    this.options = new DeliveryOptions().setSendTimeout(timeoutMs).setLocalOnly(true);
    this.meters = Metrics.registry(vertx);
    this.shortcuts = ReadShortcuts.of(vertx);
  }

  /**
   * A listing: every stored object, valid package name or not (the caller filters), and its generation; the objects
   * are null when the caller already has that generation. Immutable: it is handed over as it is.
   */
  public record Listing(long generation, List<PackageInfo> objects) {
  }

  /**
   * Every stored object, unless the caller already has generation {@code known} of the listing: then the answer has
   * that generation and no objects ({@code null}).
   */
  public Future<Listing> list(long known) {
    return request(StorageAddresses.LIST, new JsonObject().put("known", known));
  }

  public Future<PackageInfo> stat(String file) {
    return this.<JsonObject>request(StorageAddresses.STAT, new JsonObject().put("file", file)).map(PackageInfo::fromJson);
  }

  /**
   * The caller owns the answer: it must {@link OpenedRead#close()} it. A version storage has open and checked a moment
   * ago is opened here, without asking storage ({@link ReadShortcuts}), and is not counted among the requests.
   */
  public Future<OpenedRead> openRead(String file) {
    OpenedRead shortcut = shortcuts.open(file);
    if (shortcut != null) {
      return Future.succeededFuture(shortcut);
    }
    return request(StorageAddresses.OPEN_READ, new JsonObject().put("file", file));
  }

  /**
   * Version {@code etag} of {@code file} as a local file to send, which may still be growing; null when it must be
   * streamed with {@link #read}. The caller owns a non-null answer: it must {@link OpenedRead#close()} it.
   */
  public Future<OpenedRead> follow(String file, String etag) {
    return request(StorageAddresses.FOLLOW, new JsonObject().put("file", file).put("etag", etag));
  }

  /** Starts streaming; the receiver of {@code request.transfer()} must exist before this is called. */
  public Future<Void> read(ReadRequest request) {
    return request(StorageAddresses.READ, request.toJson()).mapEmpty();
  }

  /** Prepares an upload; the sender of {@code request.transfer()} must exist before this is called. */
  public Future<Void> openWrite(WriteRequest request) {
    return request(StorageAddresses.OPEN_WRITE, request.toJson()).mapEmpty();
  }

  /**
   * A short-lived URL where the store itself serves the current version of {@code file} to anyone who has it, or null
   * when the backend cannot give one. Nothing is checked: the caller has opened the package and checked access.
   */
  public Future<String> redirect(String file) {
    return this.<JsonObject>request(StorageAddresses.REDIRECT, new JsonObject().put("file", file))
      .map(body -> body.getString("url"));
  }

  /** What the backend counts, e.g. {@code {"cache": {"hits": 3, ...}}}. */
  public Future<JsonObject> counters() {
    return request(StorageAddresses.COUNTERS, new JsonObject());
  }

  /** Succeeds when the backend can serve now; fails, within {@code timeoutMs}, with what is wrong. */
  public Future<Void> health(long timeoutMs) {
    return request(StorageAddresses.HEALTH, new JsonObject(), new DeliveryOptions().setSendTimeout(timeoutMs))
      .mapEmpty();
  }

  /** The state object {@code name} ({@link StorageAddresses#READ_STATE}), or null when it was never written. */
  public Future<JsonObject> readState(String name) {
    return this.<JsonObject>request(StorageAddresses.READ_STATE, new JsonObject().put("name", name))
      .map(body -> body.getJsonObject("state"));
  }

  /** Replaces the state object {@code name} with {@code state}. */
  public Future<Void> writeState(String name, JsonObject state) {
    return request(StorageAddresses.WRITE_STATE, new JsonObject().put("name", name).put("state", state)).mapEmpty();
  }

  /** @param ifMatch null, {@code *}, or the entity tag of the only version that may be deleted */
  public Future<Void> delete(String file, String ifMatch) {
    JsonObject body = new JsonObject().put("file", file);
    if (ifMatch != null) {
      body.put("ifMatch", ifMatch);
    }
    return request(StorageAddresses.DELETE, body).mapEmpty();
  }

  private <T> Future<T> request(String address, JsonObject body) {
    return request(address, body, options);
  }

  private <T> Future<T> request(String address, JsonObject body, DeliveryOptions options) {
    return timed(address, bus.<T>request(address, body, options)
      .recover(e -> Future.failedFuture(toStorageException(e)))
      .map(message -> message.body()));
  }

  /**
   * Counts and times each request to storage by operation and outcome ({@code ok}, or the error): the backend's
   * latency and errors as the HTTP side sees them.
   */
  private <T> Future<T> timed(String address, Future<T> answer) {
    long started = System.nanoTime();
    return answer.andThen(ar -> timer(address, ar.succeeded() ? "ok" : ar.cause() instanceof StorageException se
      ? se.error().name().toLowerCase(java.util.Locale.ROOT) : "failed")
      .record(System.nanoTime() - started, TimeUnit.NANOSECONDS));
  }

  /** The timer of an operation and outcome, built once: every request of the HTTP side passes here. */
  private Timer timer(String address, String outcome) {
    return timers.computeIfAbsent(address + " " + outcome, key -> Timer.builder("pr_storage_requests")
      .description("Requests to the storage backend, by operation and outcome")
      .tag("operation", address.substring(address.indexOf('.') + 1))
      .tag("outcome", outcome)
      .register(meters));
  }

  static StorageException toStorageException(Throwable e) {
    if (e instanceof ReplyException reply) {
      if (reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        return new StorageException(StorageError.fromCode(reply.failureCode()), reply.getMessage());
      }
      return new StorageException(StorageError.UNAVAILABLE, reply.failureType() == ReplyFailure.TIMEOUT
        ? "The storage backend did not answer in time" : "The storage backend is not running");
    }
    return new StorageException(StorageError.INTERNAL, String.valueOf(e.getMessage()), e);
  }
}
