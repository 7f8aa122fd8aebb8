package org.packagerepository.storage.swift;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import org.packagerepository.storage.StorageError;
import org.packagerepository.storage.StorageException;
import org.packagerepository.storage.remote.RemoteVersion;

/**
 * A chunked PUT whose body is streaming into Swift. Swift creates the object only when the body's last chunk arrives:
 * until {@link #finish()} the object does not exist, and {@link #abort()} (a reset of the connection) makes sure it
 * never will. Any answer before {@link #finish()} is a failure (Swift refused the upload or went away); it shows in
 * {@link #failure()}.
 */
final class StreamedPut {

  private final HttpClientRequest request;
  private final String what;
  private final long timeoutMs;
  private final Future<HttpClientResponse> answer;
  private Throwable failure;
  private Handler<Throwable> failureHandler;
  private boolean finishing;
  private long written;

  StreamedPut(HttpClientRequest request, String what, long timeoutMs) {
    this.request = request;
    this.what = what;
    this.timeoutMs = timeoutMs;
    request.exceptionHandler(this::failed);
    // Read in the response's own callback: one added later may come after the body has gone by.
    answer = request.response().compose(response -> response.body().map(body -> response));
    answer.onComplete(ar -> {
      if (!finishing) {
        failed(ar.failed() ? ar.cause() : SwiftErrors.status(ar.result().statusCode(), what));
        request.reset();
      }
    });
  }

  /** What went wrong while streaming, or null. */
  Throwable failure() {
    return failure;
  }

  long written() {
    return written;
  }

  void write(Buffer chunk) {
    written += chunk.length();
    request.write(chunk).onFailure(this::failed);
  }

  boolean writeQueueFull() {
    return request.writeQueueFull();
  }

  void drainHandler(Handler<Void> handler) {
    request.drainHandler(handler);
  }

  /** Sends the last chunk; completes with the object's ETag as Swift gives it (unquoted) once it exists. */
  Future<String> finish() {
    if (failure != null) {
      return Future.failedFuture(failure);
    }
    finishing = true;
    request.idleTimeout(timeoutMs);
    request.end();   // a failure to send shows as the answer's failure
    return answer.recover(e -> Future.failedFuture(SwiftErrors.unreachable(e, what)))
      .compose(response -> {
        if (response.statusCode() == 201) {
          return Future.succeededFuture(RemoteVersion.unquote(response.getHeader("Etag")));
        }
        if (response.statusCode() == 202) {
          // Swift dates a PUT when it starts: a change to the object that started later has won.
          return Future.failedFuture(new StorageException(StorageError.PRECONDITION_FAILED, what + " was changed while "
            + "this upload was streaming, by a request that started after it; nothing was stored"));
        }
        return Future.failedFuture(SwiftErrors.status(response.statusCode(), what));
      });
  }

  /** Cuts the connection before the last chunk: the object is not created. */
  void abort() {
    finishing = true;
    request.reset();
  }

  /** Told of a failure while streaming (not of one after {@link #finish()}, which that future reports). */
  void failureHandler(Handler<Throwable> handler) {
    failureHandler = handler;
  }

  private void failed(Throwable e) {
    if (failure == null && !finishing) {
      failure = SwiftErrors.unreachable(e, what);
      if (failureHandler != null) {
        failureHandler.handle(failure);
      }
    }
  }
}
