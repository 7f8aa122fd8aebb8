package org.packagerepository.http;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import org.packagerepository.storage.StorageError;
import org.packagerepository.storage.StorageException;

/** The one place where failures become HTTP statuses and JSON error bodies. */
final class HttpErrors {

  private static final System.Logger LOG = System.getLogger(HttpErrors.class.getName());

  private HttpErrors() {
  }

  static int status(StorageError error) {
    return switch (error) {
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS -> 409;
      case PRECONDITION_FAILED -> 412;
      case CHECKSUM_MISMATCH, SIZE_MISMATCH, INVALID_NAME, CANCELLED -> 400;
      case NO_SPACE -> 507;
      case UNAVAILABLE, CHANGED -> 503;
      case INTERNAL -> 500;
    };
  }

  /** Answers with the status and message of {@code failure}, logging what is not the client's doing. */
  static Future<Void> send(HttpServerResponse response, Throwable failure) {
    if (failure instanceof StorageException se) {
      if (se.error() == StorageError.INTERNAL) {
        LOG.log(System.Logger.Level.ERROR, "Request failed: " + se.getMessage());
      }
      return send(response, status(se.error()), se.getMessage());
    }
    LOG.log(System.Logger.Level.ERROR, "Request failed", failure);
    return send(response, 500, "The server failed to handle the request; see its log");
  }

  static Future<Void> send(HttpServerResponse response, int status, String message) {
    if (response.headWritten()) {
      // Too late for a status: closing is the only way to say the body is not complete.
      response.reset();
      return Future.succeededFuture();
    }
    if (status == 503) {
      response.putHeader(HttpHeaders.RETRY_AFTER, "5");
    }
    return response.setStatusCode(status)
      .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
      .end(new JsonObject().put("error", message).toBuffer());
  }
}
