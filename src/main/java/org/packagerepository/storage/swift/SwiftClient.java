package org.packagerepository.storage.swift;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import org.packagerepository.storage.remote.ResponseStream;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.util.List;
import java.util.function.Function;

/**
 * Requests to one Swift account with the token of a {@link SwiftAuth}. A request refused with 401 is sent again once
 * with a new token; that is safe for every request here, because none has sent any of its body when the 401 comes:
 * small bodies are kept until answered, and streamed uploads wait for {@code 100 Continue} before their first byte.
 * Paths are relative to the account's storage URL and already encoded ({@link SwiftPaths}). Used from one event loop.
 */
final class SwiftClient {

  /**
   * A download stalls when its reader does, for as long as the event-bus transfer allows (its idle timeout is 120 s):
   * Swift's side must wait longer than that before giving up.
   */
  static final long DOWNLOAD_IDLE_TIMEOUT_MS = 150_000;

  private final Vertx vertx;
  private final HttpClient http;
  private final SwiftAuth auth;
  /** Time for an answer to a request whose body is sent (listing, HEAD, DELETE, a manifest, a small package). */
  private final long timeoutMs;

  SwiftClient(Vertx vertx, HttpClient http, SwiftAuth auth, long timeoutMs) {
    this.vertx = vertx;
    this.http = http;
    this.auth = auth;
    this.timeoutMs = timeoutMs;
  }

  long timeoutMs() {
    return timeoutMs;
  }

  /** The current token and where it works (the account's storage URL); logs in when there is none. */
  Future<SwiftSession> session() {
    return auth.session();
  }

  /** An answer read to its end: never a package's bytes, only listings, manifests and empty bodies. */
  record Answer(int status, MultiMap headers, Buffer body) {
  }

  /**
   * Sends a request with {@code body} (null for none) and reads the whole answer.
   *
   * @param what what the request is about, for error messages
   */
  Future<Answer> send(HttpMethod method, String path, MultiMap headers, List<Buffer> body, String what) {
    return withToken(session -> http.request(options(method, session, path, headers).setIdleTimeout(timeoutMs))
      .compose(request -> {
        Future<HttpClientResponse> sent;
        if (body == null) {
          sent = request.send();
        } else {
          request.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(body.stream().mapToLong(Buffer::length).sum()));
          for (Buffer chunk : body) {
            request.write(chunk);
          }
          request.end();
          sent = request.response();
        }
        // Read in the response's own callback: one further down the chain may run after the body has gone by.
        return sent.compose(response -> response.body()
          .map(bytes -> new Answer(response.statusCode(), response.headers(), bytes)));
      })
      .recover(e -> Future.failedFuture(SwiftErrors.unreachable(e, what)))
      .compose(answer -> answer.status() == 401 ? Future.failedFuture(new Unauthorized())
        : Future.succeededFuture(answer)), what);
  }

  /** A GET whose answer is handed over paused with its body unread, whatever its status. */
  Future<HttpClientResponse> get(String path, MultiMap headers, String what) {
    return withToken(session -> http.request(options(HttpMethod.GET, session, path, headers)
        .setIdleTimeout(DOWNLOAD_IDLE_TIMEOUT_MS))
      .compose(request -> request.send().map(response -> {
        // Paused in the response's own callback, before any of its body can go by.
        response.pause();
        return response;
      }))
      .recover(e -> Future.failedFuture(SwiftErrors.unreachable(e, what)))
      .compose(response -> {
        if (response.statusCode() == 401) {
          discard(response);
          return Future.failedFuture(new Unauthorized());
        }
        return Future.succeededFuture(response);
      }), what);
  }

  /**
   * Starts a chunked PUT and completes once Swift has asked for the body ({@code 100 Continue}): the token has been
   * accepted and the bytes can stream. An answer instead of {@code 100 Continue} fails it with its error.
   */
  Future<StreamedPut> startPut(String path, MultiMap headers, String what) {
    return withToken(session -> http.request(options(HttpMethod.PUT, session, path, headers))
      .recover(e -> Future.failedFuture(SwiftErrors.unreachable(e, what)))
      .compose(request -> {
        request.setChunked(true).putHeader(HttpHeaders.EXPECT, HttpHeaders.CONTINUE);
        request.exceptionHandler(e -> { });   // failures arrive through the futures below
        Promise<StreamedPut> ready = Promise.promise();
        long timer = vertx.setTimer(timeoutMs, id -> {
          request.reset();
          ready.tryFail(SwiftErrors.unreachable(new IllegalStateException("no 100 Continue"), what));
        });
        request.continueHandler(v -> {
          vertx.cancelTimer(timer);
          ready.tryComplete(new StreamedPut(request, what, timeoutMs));
        });
        request.response().onComplete(ar -> {
          if (ready.future().isComplete()) {
            return;   // the upload itself watches its answer from now on
          }
          vertx.cancelTimer(timer);
          request.reset();
          if (ar.failed()) {
            ready.tryFail(SwiftErrors.unreachable(ar.cause(), what));
          } else {
            int status = ar.result().statusCode();
            ready.tryFail(status == 401 ? new Unauthorized() : SwiftErrors.status(status, what));
          }
        });
        request.sendHead().onFailure(e -> {
          vertx.cancelTimer(timer);
          ready.tryFail(SwiftErrors.unreachable(e, what));
        });
        return ready.future();
      }), what);
  }

  /** Drops an answer whose body is not wanted, closing its connection. */
  static void discard(HttpClientResponse response) {
    ResponseStream.discard(response);
  }

  private <T> Future<T> withToken(Function<SwiftSession, Future<T>> attempt, String what) {
    return auth.session().compose(session -> attempt.apply(session).recover(e -> {
      if (!(e instanceof Unauthorized)) {
        return Future.failedFuture(e);
      }
      auth.rejected(session);
      return auth.session().compose(renewed -> attempt.apply(renewed)).recover(again -> Future.failedFuture(
        again instanceof Unauthorized ? SwiftErrors.status(401, what) : again));
    }));
  }

  private static RequestOptions options(HttpMethod method, SwiftSession session, String path, MultiMap headers) {
    RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(session.storageUrl() + path);
    if (headers != null) {
      options.setHeaders(MultiMap.caseInsensitiveMultiMap().addAll(headers));
    }
    return options.putHeader("X-Auth-Token", session.token());
  }

  /** A 401: the token was not accepted. */
  private static final class Unauthorized extends RuntimeException {
    Unauthorized() {
      super("401", null, false, false);
    }
  }
}
