package org.packagerepository.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import org.packagerepository.storage.StorageClient;

/**
 * Probes for an orchestrator: {@code /health/live} answers while the server serves HTTP at all; {@code /health/ready}
 * also asks the backend whether it can serve now, so that a load balancer stops sending requests while the store is
 * away and sends them again once it is back. JSON either way; never cached.
 */
final class HealthHandler {

  /** A readiness probe gives up on a backend that does not answer within this long. */
  static final long READY_TIMEOUT_MS = 5_000;

  private final StorageClient storage;

  HealthHandler(StorageClient storage) {
    this.storage = storage;
  }

  void live(HttpServerResponse response) {
    send(response, 200, new JsonObject().put("status", "UP"));
  }

  void ready(HttpServerResponse response) {
    storage.health(READY_TIMEOUT_MS).onComplete(ar -> send(response, ar.succeeded() ? 200 : 503, ar.succeeded()
      ? new JsonObject().put("status", "UP")
      : new JsonObject().put("status", "DOWN").put("error", String.valueOf(ar.cause().getMessage()))));
  }

  private static void send(HttpServerResponse response, int status, JsonObject body) {
    response.setStatusCode(status)
      .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
      .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
      .end(body.toBuffer());
  }
}
