package org.packagerepository.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.http.HttpServerResponse;
import org.packagerepository.auth.Authenticator;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets a download start only within its client's share and the server's bound ({@link DownloadLimits}), before any
 * byte is read from storage: beyond them the request is answered 429 (the client's share) or 503 (the server's bound),
 * with {@code Retry-After}. A client is the authenticated user when there is one, else the address the request came
 * from, or the one a trusted proxy forwarded it for.
 */
final class DownloadAdmission {

  /** Downloads are short next to a deploy's minutes: a client refused tries again soon. */
  static final int RETRY_AFTER_SECONDS = 1;

  private final Downloads downloads;
  private final DownloadLimits limits;
  private final Authenticator authenticator;
  private final Map<Downloads.Refusal, Counter> refused = new EnumMap<>(Downloads.Refusal.class);

  /** @param authenticator null when authentication is off */
  DownloadAdmission(Downloads downloads, DownloadLimits limits, Authenticator authenticator, MeterRegistry meters) {
    this.downloads = downloads;
    this.limits = limits;
    this.authenticator = authenticator;
    for (Downloads.Refusal refusal : Downloads.Refusal.values()) {
      refused.put(refusal, Counter.builder("pr_downloads_refused")
        .description("Downloads refused before they started: the client's share (429) or the server's bound (503)")
        .tag("reason", refusal.name().toLowerCase(Locale.ROOT)).register(meters));
    }
  }

  /**
   * Admits the download of {@code file} that {@code exchange} asks for, counted until its answer is out or its
   * connection gone; false when it was refused (and answered).
   */
  boolean admit(Exchange exchange, String file) {
    String user = exchange.user();
    int ownLimit = user != null && authenticator != null ? authenticator.maxDownloads(user) : 0;
    int clientLimit = ownLimit > 0 ? ownLimit : limits.maxDownloadsPerClient();
    AtomicLong pastResponse = exchange.bodyBytes();
    HttpServerResponse response = exchange.response();
    // Who the client is matters only for its limit.
    String client = clientLimit > 0 ? client(exchange.request(), user) : null;
    Downloads.Admission admission = downloads.admit(client, clientLimit, file,
      () -> response.bytesWritten() + pastResponse.get());
    if (admission.download() == null) {
      refuse(response, admission.refusal(), clientLimit);
      return false;
    }
    exchange.download(admission.download());
    exchange.onEnd(ar -> {
      admission.download().finish();
      if (ar.succeeded() && response.getStatusCode() < 400) {
        downloads.answered(file);
      }
    });
    return true;
  }

  /**
   * The download of {@code exchange}, if one was admitted, is over. Needed where the response's own end and close do
   * not tell: Vert.x takes a response sent with {@code sendFile} for complete as soon as the file is handed to the
   * connection, so a client that goes away in the middle closes no response.
   */
  static void finished(Exchange exchange) {
    Downloads.Download download = exchange.download();
    if (download != null) {
      download.finish();
    }
  }

  private String client(HttpServerRequest request, String user) {
    if (user != null) {
      return "user " + user;
    }
    SocketAddress remote = request.remoteAddress();
    String peer = remote == null ? "-" : remote.hostAddress();
    if (limits.trustedProxies().isEmpty()) {
      return "address " + peer;
    }
    // Every line of the header: a proxy may add a line of its own instead of appending to the client's.
    List<String> forwarded = request.headers().getAll("X-Forwarded-For");
    return "address " + limits.trustedProxies().client(peer, forwarded.isEmpty() ? null : String.join(",", forwarded));
  }

  private void refuse(HttpServerResponse response, Downloads.Refusal refusal, int clientLimit) {
    refused.get(refusal).increment();
    response.putHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
    if (refusal == Downloads.Refusal.CLIENT_LIMIT) {
      HttpErrors.send(response, 429, "Too many downloads in flight from this client: at most " + clientLimit
        + " at once; try again when one has finished");
    } else {
      HttpErrors.send(response, 503, "The server has " + limits.maxDownloads() + " downloads in flight, its "
        + "most at once; try again shortly");
    }
  }
}
