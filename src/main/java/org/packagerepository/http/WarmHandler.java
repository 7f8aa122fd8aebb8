package org.packagerepository.http;

import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.packagerepository.warm.WarmVerticle;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * {@code POST /warm} and {@code GET /warm/<id>}: the HTTP side of {@link WarmVerticle}. The request body is a small
 * JSON document (read whole, within {@link #MAX_BODY_BYTES}); no package passes here.
 */
final class WarmHandler {

  static final String PREFIX = "/warm/";
  static final long MAX_BODY_BYTES = 1024 * 1024;
  static final int MAX_FILES = 1_000;
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true).setSendTimeout(30_000);

  private final EventBus bus;

  WarmHandler(EventBus bus) {
    this.bus = bus;
  }

  void start(RoutingContext ctx) {
    // Read only when small: the document names files, it is never large.
    String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
    long announced;
    try {
      announced = length == null ? -1 : Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      announced = -1;
    }
    if (announced < 0 || announced > MAX_BODY_BYTES) {
      ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
      HttpErrors.send(ctx.response(), 413, "The body must be a JSON document of at most " + MAX_BODY_BYTES
        + " bytes, with its Content-Length");
      return;
    }
    ctx.request().body().onComplete(ar -> {
      if (ar.failed()) {
        ctx.response().reset();
      } else {
        start(ctx, ar.result());
      }
    });
  }

  private void start(RoutingContext ctx, io.vertx.core.buffer.Buffer body) {
    Set<String> files = new LinkedHashSet<>();
    String problem = files(body, files);
    if (problem != null) {
      HttpErrors.send(ctx.response(), 400, problem + ": send {\"files\": [\"app-1.2.3.tar.gz\", ...]} (at most "
        + MAX_FILES + " files)");
      return;
    }
    bus.<JsonObject>request(WarmVerticle.START, new JsonObject().put("files", new JsonArray(files.stream().toList())),
      LOCAL).onComplete(ar -> {
        if (ar.failed()) {
          HttpErrors.send(ctx.response(), 503, "The warm could not be started: " + ar.cause().getMessage());
          return;
        }
        String id = ar.result().body().getString("id");
        ctx.response().setStatusCode(202).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .putHeader(HttpHeaders.LOCATION, PREFIX + id)
          .end(ar.result().body().copy().put("files", files.size()).put("status", PREFIX + id).encode());
      });
  }

  void status(RoutingContext ctx) {
    String id = ctx.request().path().substring(PREFIX.length());
    bus.<JsonObject>request(WarmVerticle.STATUS, new JsonObject().put("id", id), LOCAL).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(ar.result().body().encode());
      } else if (ar.cause() instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE
        && reply.failureCode() == 404) {
        HttpErrors.send(ctx.response(), 404, reply.getMessage());
      } else {
        HttpErrors.send(ctx.response(), 503, "The warm's state could not be read: " + ar.cause().getMessage());
      }
    });
  }

  /** Reads the files asked for into {@code files}; what is wrong with the body, or null. */
  private static String files(io.vertx.core.buffer.Buffer bytes, Set<String> files) {
    JsonObject body;
    try {
      body = bytes.length() == 0 ? null : bytes.toJsonObject();
    } catch (DecodeException | ClassCastException e) {
      return "The body is not a JSON object";
    }
    Object list = body == null ? null : body.getValue("files");
    if (!(list instanceof JsonArray array) || array.isEmpty() || array.size() > MAX_FILES) {
      return "The body must list the files to warm";
    }
    for (Object file : array) {
      if (!(file instanceof String name)) {
        return "Each file must be a string";
      }
      files.add(name);
    }
    return null;
  }
}
