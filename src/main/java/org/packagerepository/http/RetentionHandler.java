package org.packagerepository.http;

import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.packagerepository.auth.Permission;
import org.packagerepository.retention.RetentionVerticle;
import org.packagerepository.storage.StorageError;

import java.util.concurrent.TimeUnit;

/**
 * {@code POST /retention[?dry_run=true]}: runs retention now and answers what it deleted (or, as a dry run, would
 * delete) and why, per file. A dry run needs the {@code read} permission, a run that deletes {@code delete}.
 */
final class RetentionHandler {

  /** A run deletes one version after another; a large store's first run may take a while. */
  static final long RUN_TIMEOUT_MS = TimeUnit.MINUTES.toMillis(30);

  private final EventBus bus;
  private final AccessGuard guard;

  RetentionHandler(EventBus bus, AccessGuard guard) {
    this.bus = bus;
    this.guard = guard;
  }

  void run(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    Boolean dryRun;
    try {
      dryRun = dryRun(ctx.request().getParam("dry_run"));
    } catch (IllegalArgumentException e) {
      // Vert.x decodes the query on first use, and throws on a malformed escape such as %zz.
      HttpErrors.send(response, 400, "The query string is not valid percent-encoding");
      return;
    }
    if (dryRun == null) {
      HttpErrors.send(response, 400, "dry_run must be true or 1 (report only), or false or 0 (delete), not \""
        + ctx.request().getParam("dry_run") + "\"");
      return;
    }
    if (!guard.admits(ctx, dryRun ? Permission.READ : Permission.DELETE)) {
      return;
    }
    bus.<JsonObject>request(RetentionVerticle.ADDRESS, new JsonObject().put("dry_run", dryRun),
        new DeliveryOptions().setLocalOnly(true).setSendTimeout(RUN_TIMEOUT_MS))
      .onComplete(ar -> {
        if (ar.succeeded()) {
          response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(ar.result().body().toBuffer());
        } else if (ar.cause() instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS) {
          // Nobody runs retention on this server: config.retention is not set.
          HttpErrors.send(response, 409, "Retention is not configured on this server: set config.retention "
            + "(e.g. {\"keep_last\": 3}) to use it");
        } else if (ar.cause() instanceof ReplyException reply
          && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
          HttpErrors.send(response, HttpErrors.status(StorageError.fromCode(reply.failureCode())),
            reply.getMessage());
        } else {
          HttpErrors.send(response, 503, "Retention did not answer in time; it may still be running");
        }
      });
  }

  /** {@code true}/{@code 1}: a dry run; absent, {@code false}/{@code 0}: a run that deletes; anything else: null. */
  static Boolean dryRun(String value) {
    if (value == null) {
      return false;
    }
    return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "1" -> true;
      case "false", "0" -> false;
      default -> null;
    };
  }
}
