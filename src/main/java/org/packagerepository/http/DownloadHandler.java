package org.packagerepository.http;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import org.packagerepository.metrics.Metrics;
import org.packagerepository.storage.OpenedRead;
import org.packagerepository.storage.PackageInfo;
import org.packagerepository.storage.ReadRequest;
import org.packagerepository.storage.StorageClient;
import org.packagerepository.storage.StorageError;
import org.packagerepository.storage.StorageException;
import org.packagerepository.transfer.ChunkReceiver;
import org.packagerepository.transfer.TransferOptions;
import org.packagerepository.transfer.Transfers;

import java.util.function.IntSupplier;

/**
 * {@code GET} and {@code HEAD /packages/<file>}: conditionals, ranges and the body, sent from the open file with
 * sendfile when storage hands one over (also while storage is still writing it: {@link GrowingFileResponse}), else
 * streamed from storage over the event bus; or, with a backend that can give a signed URL of the package in the store
 * and while enough downloads are in flight, a {@code 307} to that URL. Used from one event loop.
 */
final class DownloadHandler {

  static final String CONTENT_TYPE = "application/gzip";
  /** A package replaced between opening and streaming is opened again, a few times at most. */
  private static final int ATTEMPTS = 3;
  private static final System.Logger LOG = System.getLogger(DownloadHandler.class.getName());

  private final Vertx vertx;
  private final StorageClient storage;
  private final TransferOptions transferOptions;
  private final long redirectAbove;
  private final IntSupplier activeDownloads;
  /** Null: the reads are not clients' downloads (the other members' reads). */
  private final DownloadAdmission admission;
  private final Counter redirected;
  private final VersionHeaders versionHeaders = new VersionHeaders();
  private final ValidNames validNames = new ValidNames();
  /** Whether the last redirect storage was asked for failed: a failure is logged once, not at every download. */
  private boolean redirectFailing;

  /**
   * @param redirectAbove   -1: never redirect; 0: redirect every GET of a package; n: only while more than n downloads
   *                        are in flight
   * @param activeDownloads the downloads in flight on the whole server now
   * @param admission       counts each GET among the downloads, or refuses it; null: GETs are not counted
   */
  DownloadHandler(Vertx vertx, StorageClient storage, TransferOptions transferOptions, long redirectAbove,
                  IntSupplier activeDownloads, DownloadAdmission admission) {
    this.vertx = vertx;
    this.storage = storage;
    this.transferOptions = transferOptions;
    this.redirectAbove = redirectAbove;
    this.activeDownloads = activeDownloads;
    this.admission = admission;
    this.redirected = redirectAbove < 0 ? null : Counter.builder("pr_downloads_redirected")
      .description("Downloads answered with a redirect to a signed URL of the package in the store")
      .register(Metrics.registry(vertx));
  }

  /** Whether {@code file} is a name a package can have: anything else is answered 404 without asking storage. */
  boolean mayExist(String file) {
    return validNames.isValid(file);
  }

  void head(HttpServerRequest request, String file) {
    if (!validNames.isValid(file)) {
      notFound(request.response(), file);
      return;
    }
    headOfValid(request, file);
  }

  /** {@link #head} of a name {@link #mayExist} has accepted. */
  void headOfValid(HttpServerRequest request, String file) {
    HttpServerResponse response = request.response();
    storage.stat(file).onComplete(ar -> {
      if (ar.failed()) {
        HttpErrors.send(response, ar.cause());
        return;
      }
      PackageInfo info = ar.result();
      if (answeredByPreconditions(request, info)) {
        return;
      }
      describe(response, info).putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(info.size())).end();
    });
  }

  void get(Exchange exchange, String file) {
    // A name that cannot exist is answered 404 before it takes a place among the downloads.
    if (!validNames.isValid(file)) {
      notFound(exchange.response(), file);
      return;
    }
    getOfValid(exchange, file);
  }

  /** {@link #get} of a name {@link #mayExist} has accepted. */
  void getOfValid(Exchange exchange, String file) {
    if (admission == null || admission.admit(exchange, file)) {
      get(exchange, file, ATTEMPTS);
    }
  }

  private void get(Exchange exchange, String file, int attemptsLeft) {
    HttpServerRequest request = exchange.request();
    HttpServerResponse response = request.response();
    storage.openRead(file).onComplete(ar -> {
      if (ar.failed()) {
        HttpErrors.send(response, ar.cause());
        return;
      }
      OpenedRead opened = ar.result();
      if (response.closed()) {
        opened.close();
        return;
      }
      PackageInfo info = opened.info();
      if (answeredByPreconditions(request, info)) {
        opened.close();
        return;
      }
      ByteRange range = Preconditions.rangeApplies(request.headers(), info.etag(), info.modified())
        ? ByteRange.parse(request.getHeader(HeaderNames.RANGE), info.size()) : null;
      if (range == ByteRange.UNSATISFIABLE) {
        opened.close();
        describe(response, info).putHeader(HttpHeaders.CONTENT_RANGE, "bytes */" + info.size());
        HttpErrors.send(response, 416, "The range " + request.getHeader(HeaderNames.RANGE) + " is outside the "
          + info.size() + " bytes of " + file);
        return;
      }
      if (redirects(request)) {
        redirectOrServe(exchange, opened, range, attemptsLeft);
      } else {
        serve(exchange, opened, range, attemptsLeft);
      }
    });
  }

  /**
   * Whether this GET goes to the store: while enough downloads are in flight, and unless it carries {@code If-Match}
   * or {@code If-Range}, which a client following the redirect sends on to the store, where this server's entity tags
   * (the SHA-256) mean nothing. Every other condition has been evaluated here and holds the same there.
   */
  private boolean redirects(HttpServerRequest request) {
    if (redirectAbove < 0 || request.headers().contains(HttpHeaders.IF_MATCH)
      || request.headers().contains(HeaderNames.IF_RANGE)) {
      return false;
    }
    return redirectAbove == 0 || activeDownloads.getAsInt() > redirectAbove;
  }

  /**
   * Answers {@code 307} with the store's URL of the package (the client sends its {@code Range} there); serves the
   * bytes itself when storage gives no URL.
   */
  private void redirectOrServe(Exchange exchange, OpenedRead opened, ByteRange range, int attemptsLeft) {
    HttpServerResponse response = exchange.response();
    String file = opened.info().file();
    storage.redirect(file).onComplete(ar -> {
      if (response.closed()) {
        opened.close();
        return;
      }
      if (ar.failed() || ar.result() == null) {
        if (ar.failed() && !redirectFailing) {
          redirectFailing = true;
          LOG.log(System.Logger.Level.WARNING, "Downloads are served here instead of redirected to the store: "
            + "storage gave no URL of " + file + " (" + ar.cause().getMessage() + "); logged once until it gives one");
        }
        serve(exchange, opened, range, attemptsLeft);
        return;
      }
      opened.close();
      redirectFailing = false;
      redirected.increment();
      response.setStatusCode(307)
        .putHeader(HttpHeaders.LOCATION, ar.result())
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject().put("redirect", ar.result()).toBuffer());
    });
  }

  /** Sends the bytes of {@code range} (null: all) of the opened version. */
  private void serve(Exchange exchange, OpenedRead opened, ByteRange range, int attemptsLeft) {
    HttpServerResponse response = exchange.response();
    PackageInfo info = opened.info();
    long offset = range == null ? 0 : range.start();
    long length = range == null ? info.size() : range.length();
    describe(response, info).putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(length));
    if (range != null) {
      response.setStatusCode(206).putHeader(HttpHeaders.CONTENT_RANGE, range.contentRange(info.size()));
    }
    if (opened.hasChannel()) {
      send(exchange, opened, offset, length);
    } else {
      opened.close();
      followOrStream(exchange, info, offset, length, attemptsLeft);
    }
  }

  private void send(Exchange exchange, OpenedRead opened, long offset, long length) {
    if (opened.growing() != null) {
      GrowingFileResponse.send(vertx, exchange, opened, offset, length);
    } else if (length <= SmallRegion.MAX_BYTES) {
      SmallRegion.send(exchange, opened, offset, (int) length);
    } else {
      exchange.response().sendFile(opened.channel(), offset, length).onComplete(sent -> {
        opened.close();
        DownloadAdmission.finished(exchange);
      });
    }
  }

  /** Sends the file storage is filling (or has just filled) when it hands one over, else streams the bytes. */
  private void followOrStream(Exchange exchange, PackageInfo info, long offset, long length, int attemptsLeft) {
    if (!GrowingFileResponse.supported(exchange.request())) {
      stream(exchange, info, offset, length, attemptsLeft);
      return;
    }
    HttpServerResponse response = exchange.response();
    storage.follow(info.file(), info.etag()).onComplete(ar -> {
      if (ar.failed()) {
        startAgainOrFail(exchange, info.file(), ar.cause(), attemptsLeft);
      } else if (ar.result() == null) {
        stream(exchange, info, offset, length, attemptsLeft);
      } else if (response.closed()) {
        ar.result().close();
      } else {
        send(exchange, ar.result(), offset, length);
      }
    });
  }

  /** Nothing is sent yet: a package replaced meanwhile is opened again, a few times at most. */
  private void startAgainOrFail(Exchange exchange, String file, Throwable cause, int attemptsLeft) {
    HttpServerResponse response = exchange.response();
    // The headers that described the package (Content-Length) must not describe the answer.
    response.headers().clear();
    response.setStatusCode(200);
    if (cause instanceof StorageException se && se.error() == StorageError.CHANGED && attemptsLeft > 1) {
      get(exchange, file, attemptsLeft - 1);
    } else {
      HttpErrors.send(response, cause);
    }
  }

  private void stream(Exchange exchange, PackageInfo info, long offset, long length, int attemptsLeft) {
    HttpServerResponse response = exchange.response();
    String transfer = Transfers.newId();
    ChunkReceiver receiver = ChunkReceiver.create(vertx, transfer, transferOptions);
    storage.read(new ReadRequest(info.file(), info.etag(), offset, length, transfer)).onComplete(ar -> {
      if (ar.failed()) {
        receiver.fail(StorageError.CANCELLED.transferCode(), "Not started");
        startAgainOrFail(exchange, info.file(), ar.cause(), attemptsLeft);
        return;
      }
      receiver.pipe().endOnFailure(false).to(response).onFailure(e -> {
        // Either side may have failed: stop storage, and close the connection so that a short body is never
        // taken for the whole package.
        receiver.fail(StorageError.CANCELLED.transferCode(), "The client went away");
        response.reset();
      });
    });
  }

  private boolean answeredByPreconditions(HttpServerRequest request, PackageInfo info) {
    HttpServerResponse response = request.response();
    switch (Preconditions.evaluate(request.headers(), info.etag(), info.modified())) {
      case NOT_MODIFIED:
        // Only what updates a cache (RFC 9110 §15.4.5): no Content-Type or other metadata of a body not sent.
        versionHeaders.validators(response.headers(), info);
        response.setStatusCode(304).end();
        return true;
      case FAILED:
        HttpErrors.send(response, 412, info.file() + " is not at the version the request's conditions name");
        return true;
      default:
        return false;
    }
  }

  private HttpServerResponse describe(HttpServerResponse response, PackageInfo info) {
    versionHeaders.describe(response.headers(), info);
    return response;
  }

  private static void notFound(HttpServerResponse response, String file) {
    // A name that is not a valid package file name cannot exist; storage is not asked.
    HttpErrors.send(response, 404, "No package named " + (file == null ? "that" : file));
  }
}
