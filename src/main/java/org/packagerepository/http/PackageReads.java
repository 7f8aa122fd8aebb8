package org.packagerepository.http;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.packagerepository.auth.Permission;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code GET} and {@code HEAD} of a package by its plain name, answered before the router: they are most of the
 * requests during a deploy, and vertx-web's routing context, route matching and end handlers cost a tenth of what
 * answering a small range costs. What the router's routes do for them is done here, in the same order: the access
 * log, the metrics' route label, the access guard, the download. Every other request goes to the router, and so does a
 * package path that needs decoding or names no valid package: the router answers those as before. Used from one event
 * loop.
 */
final class PackageReads {

  /**
   * The name vertx-web gives the routes {@code /packages/*}, which it reports to the metrics once for each of the two
   * that a package read passes (the guard's and the handler's): the same route label either way.
   */
  private static final String ROUTE = "/packages/";

  private final AccessGuard guard;
  private final DownloadHandler download;

  PackageReads(AccessGuard guard, DownloadHandler download) {
    this.guard = guard;
    this.download = download;
  }

  /** Answers {@code request} when it is a read of a package by its plain name; false: the router must take it. */
  boolean handle(HttpServerRequest request) {
    HttpMethod method = request.method();
    if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
      return false;
    }
    String path = request.path();
    if (path == null || !path.startsWith(PackagePath.PREFIX)) {
      return false;
    }
    // A valid name has no '%', '/' or dot segment: the path is already as the router would normalize and decode it.
    String file = path.substring(PackagePath.PREFIX.length());
    if (!download.mayExist(file)) {
      return false;
    }
    Direct exchange = new Direct(request);
    try {
      AccessLog.start(exchange);
      request.routed(ROUTE);
      if (!guard.admits(exchange, Permission.READ)) {
        return true;
      }
      request.routed(ROUTE);
      if (method == HttpMethod.HEAD) {
        download.headOfValid(request, file);
      } else {
        download.getOfValid(exchange, file);
      }
    } catch (RuntimeException e) {
      // As the router's error handler answers a handler that throws.
      HttpErrors.send(request.response(), e);
    }
    return true;
  }

  /** The state of a read that skipped the router, and its end handlers, run as vertx-web runs a routing context's. */
  static final class Direct extends Exchange {

    private final HttpServerRequest request;
    private String user;
    private AtomicLong bodyBytes;
    private Downloads.Download download;
    private List<Handler<AsyncResult<Void>>> endHandlers;
    private boolean ended;

    Direct(HttpServerRequest request) {
      this.request = request;
    }

    @Override
    HttpServerRequest request() {
      return request;
    }

    @Override
    String user() {
      return user;
    }

    @Override
    void user(String user) {
      this.user = user;
    }

    @Override
    AtomicLong bodyBytes() {
      if (bodyBytes == null) {
        bodyBytes = new AtomicLong();
      }
      return bodyBytes;
    }

    @Override
    long bodyBytesSent() {
      return bodyBytes == null ? 0 : bodyBytes.get();
    }

    @Override
    Downloads.Download download() {
      return download;
    }

    @Override
    void download(Downloads.Download download) {
      this.download = download;
    }

    @Override
    void onEnd(Handler<AsyncResult<Void>> handler) {
      if (endHandlers == null) {
        endHandlers = new ArrayList<>(3);
        HttpServerResponse response = request.response();
        response.endHandler(v -> end(Future.succeededFuture()))
          .exceptionHandler(e -> end(Future.failedFuture(e)))
          .closeHandler(v -> end(Future.failedFuture("Connection closed")));
      }
      endHandlers.add(handler);
    }

    private void end(AsyncResult<Void> result) {
      if (!ended) {
        ended = true;
        for (int i = endHandlers.size() - 1; i >= 0; i--) {
          endHandlers.get(i).handle(result);
        }
      }
    }
  }
}
