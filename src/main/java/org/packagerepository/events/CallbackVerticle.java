package org.packagerepository.events;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Posts package events to {@code config.package_callback} as the original did:
 * {@code {"data": [events...], "timestamp": <ms>}}. Nothing here can slow a request: events arrive published, wait in
 * a bounded {@link EventQueue}, and go out in order, one batch at a time (what queued while the previous batch was
 * sent goes together). A batch that fails (no answer within the timeout, or not 2xx) is sent again after 1, 2, 4 ...
 * up to 60 s, {@link #MAX_ATTEMPTS} times in all, then dropped with a warning. At a stop (after the HTTP side has
 * stopped, so no event can follow), what is still queued has {@link #FLUSH_AT_STOP_MS} to go out; what is left then
 * is lost, with a warning.
 */
public final class CallbackVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(CallbackVerticle.class.getName());

  static final int MAX_QUEUED = 10_000;
  static final int MAX_BATCH = 100;
  static final int MAX_ATTEMPTS = 10;
  private static final long MAX_RETRY_DELAY_MS = 60_000;
  private static final int TIMEOUT_MS = 10_000;
  static final long FLUSH_AT_STOP_MS = 5_000;

  private final String url;
  private final long firstRetryDelayMs;
  private final EventQueue queue = new EventQueue(MAX_QUEUED);
  private HttpClient client;
  /** The size of the batch being sent (or waiting to be sent again), 0 when none is. */
  private int sending;
  /** Completed once nothing is queued or being sent, when a stop waits for that; null otherwise. */
  private Promise<Void> idle;

  /**
   * @param url               where to post, an absolute http or https URL
   * @param firstRetryDelayMs the wait before the first retry, doubled for each next one
   */
  public CallbackVerticle(String url, long firstRetryDelayMs) {
    this.url = url;
    this.firstRetryDelayMs = firstRetryDelayMs;
  }

  @Override
  public Future<?> start() {
    client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(TIMEOUT_MS));
    return vertx.eventBus().<JsonObject>localConsumer(PackageEvents.ADDRESS, message -> add(message.body())).completion();
  }

  @Override
  public Future<?> stop() {
    idle = Promise.promise();
    checkIdle();
    long deadline = vertx.setTimer(FLUSH_AT_STOP_MS, id -> idle.tryComplete());
    return idle.future().compose(v -> {
      vertx.cancelTimer(deadline);
      int left = queue.size() + sending;
      if (left > 0) {
        LOG.log(System.Logger.Level.WARNING, "Stopping with " + left + " package events not sent to " + url
          + " (not taken within " + FLUSH_AT_STOP_MS + " ms)");
      }
      return client.close();
    });
  }

  private void checkIdle() {
    if (idle != null && sending == 0 && queue.isEmpty()) {
      idle.tryComplete();
    }
  }

  private void add(JsonObject event) {
    if (queue.add(event) && queue.dropped() % 1000 == 1) {
      LOG.log(System.Logger.Level.WARNING, "The package callback " + url + " is behind by " + MAX_QUEUED
        + " events: the oldest are dropped (" + queue.dropped() + " so far)");
    }
    sendNext();
  }

  private void sendNext() {
    if (sending > 0 || queue.isEmpty()) {
      checkIdle();
      return;
    }
    List<JsonObject> batch = queue.take(MAX_BATCH);
    sending = batch.size();
    send(batch, 1);
  }

  private void send(List<JsonObject> batch, int attempt) {
    JsonObject body = new JsonObject().put("data", new JsonArray(List.copyOf(batch)))
      .put("timestamp", System.currentTimeMillis());
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
      .setIdleTimeout(TIMEOUT_MS).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    client.request(options)
      .compose(request -> request.send(body.toBuffer()))
      .compose(response -> response.body().map(ignored -> response.statusCode()))
      .onComplete(ar -> {
        if (ar.succeeded() && ar.result() / 100 == 2) {
          sending = 0;
          sendNext();
          return;
        }
        String why = ar.failed() ? String.valueOf(ar.cause().getMessage()) : "HTTP " + ar.result();
        if (attempt >= MAX_ATTEMPTS) {
          LOG.log(System.Logger.Level.WARNING, "The package callback " + url + " failed " + attempt + " times ("
            + why + "): " + batch.size() + " events dropped");
          sending = 0;
          sendNext();
          return;
        }
        long delay = Math.min(MAX_RETRY_DELAY_MS, firstRetryDelayMs << Math.min(attempt - 1, 20));
        LOG.log(System.Logger.Level.INFO, "The package callback " + url + " failed (" + why + "); trying again in "
          + delay + " ms");
        vertx.setTimer(delay, id -> send(batch, attempt + 1));
      });
  }
}
