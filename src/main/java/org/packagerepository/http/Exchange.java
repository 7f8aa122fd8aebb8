package org.packagerepository.http;

import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What one request keeps while it is answered, whichever way it came in: the user it was admitted as, the bytes a
 * download sent past its response, its place among the downloads in flight, and what runs once its answer is out or
 * its connection gone. A routed request keeps all of it on its routing context ({@link #of(RoutingContext)}); the
 * package reads that skip the router keep it in a {@link PackageReads.Direct}.
 */
abstract class Exchange {

  abstract HttpServerRequest request();

  HttpServerResponse response() {
    return request().response();
  }

  /** The user the request was admitted as, or null (anonymous, or authentication off). */
  abstract String user();

  abstract void user(String user);

  /**
   * Where the bytes a download sends past its response are counted (see {@link GrowingFileResponse}), for the access
   * log and {@code /stats}: made at the first call.
   */
  abstract AtomicLong bodyBytes();

  /** The bytes sent past the response so far: 0 when none were. */
  abstract long bodyBytesSent();

  /** The download admitted for this request, or null. */
  abstract Downloads.Download download();

  abstract void download(Downloads.Download download);

  /**
   * Runs {@code handler} once the answer is out (succeeded) or the connection is gone or failed first (failed); the
   * handlers run in the reverse order of their adding, as vertx-web runs its end handlers.
   */
  abstract void onEnd(Handler<AsyncResult<Void>> handler);

  /** The routed request of {@code ctx}: a view, its state is the routing context's. */
  static Exchange of(RoutingContext ctx) {
    return new Routed(ctx);
  }

  private static final class Routed extends Exchange {

    private static final String USER = "access.user";
    private static final String BODY_BYTES = "download.bodyBytes";
    private static final String DOWNLOAD = "download.admitted";

    private final RoutingContext ctx;

    private Routed(RoutingContext ctx) {
      this.ctx = ctx;
    }

    @Override
    HttpServerRequest request() {
      return ctx.request();
    }

    @Override
    String user() {
      return ctx.get(USER);
    }

    @Override
    void user(String user) {
      ctx.put(USER, user);
    }

    @Override
    AtomicLong bodyBytes() {
      AtomicLong counted = ctx.get(BODY_BYTES);
      if (counted == null) {
        counted = new AtomicLong();
        ctx.put(BODY_BYTES, counted);
      }
      return counted;
    }

    @Override
    long bodyBytesSent() {
      AtomicLong counted = ctx.get(BODY_BYTES);
      return counted == null ? 0 : counted.get();
    }

    @Override
    Downloads.Download download() {
      return ctx.get(DOWNLOAD);
    }

    @Override
    void download(Downloads.Download download) {
      ctx.put(DOWNLOAD, download);
    }

    @Override
    void onEnd(Handler<AsyncResult<Void>> handler) {
      ctx.addEndHandler(handler);
    }
  }
}
