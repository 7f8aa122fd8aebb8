package org.packagerepository.http;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /metrics}: Prometheus text, with counters that move with the requests. */
class MetricsApiTest {

  @TempDir
  Path packages;
  private TestServer server;
  private ApiClient api;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.onFileSystem(packages, new JsonObject());
    api = server.client();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  static PrometheusText scrape(ApiClient api) throws Exception {
    HttpResponse<String> response = api.call("GET", "/metrics");
    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
      response.headers().toString());
    return new PrometheusText(response.body());
  }

  /** Requests other than the scrapes of /metrics with this method and status. */
  private static double packageRequests(PrometheusText text, String method, String code) {
    return text.sum("vertx_http_server_requests_total", "method", method, "code", code)
      - text.sum("vertx_http_server_requests_total", "method", method, "code", code, "route", "/metrics");
  }

  @Test
  void requestsBytesAndStorageCallsAreCountedByRouteStatusAndOutcome() throws Throwable {
    PrometheusText before = scrape(api);
    byte[] bytes = TestBytes.random(250_000, 1);
    api.upload("app-1.0.0.tar.gz", bytes);
    for (int i = 0; i < 3; i++) {
      assertEquals(200, api.get("app-1.0.0.tar.gz").statusCode());
    }
    assertEquals(404, api.get("gone-1.0.0.tar.gz").statusCode());

    // Vert.x updates its request metrics once each response is out: the scrape may come a moment before.
    Eventually.within(Duration.ofSeconds(10), () -> {
      PrometheusText after = scrape(api);
      // The scrapes themselves are requests too: counted apart, by their route.
      assertEquals(3, packageRequests(after, "GET", "200") - packageRequests(before, "GET", "200"), 0.1);
      assertEquals(1, packageRequests(after, "PUT", "200"), 0.1);
      assertEquals(1, packageRequests(after, "GET", "404"), 0.1);
      assertEquals(3 * 250_000, after.sum("vertx_http_server_response_bytes_sum", "method", "GET", "code", "200")
        - after.sum("vertx_http_server_response_bytes_sum", "method", "GET", "code", "200", "route", "/metrics"),
        0.1, "bytes out, sent with sendfile included");
      assertEquals(1, after.sum("pr_storage_requests_seconds_count", "operation", "open-write", "outcome", "ok"), 0.1);
      assertEquals(1, after.sum("pr_storage_requests_seconds_count", "outcome", "not_found"), 0.1);
      assertTrue(after.has("vertx_http_server_active_requests"), "requests in flight");
      assertTrue(after.has("pr_uploads_streaming") && after.has("pr_uploads_waiting"), "uploads in flight");
    });
  }

  @Test
  void openConnectionsOfEveryHttpServerInstanceAreCountedAndTheirGaugeIsNotWarnedAbout() throws Throwable {
    List<LogRecord> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
          warnings.add(record);
        }
      }

      @Override
      public void flush() {
      }

      @Override
      public void close() {
      }
    };
    Logger micrometer = Logger.getLogger("io.micrometer.core.instrument.MeterRegistry");
    micrometer.addHandler(handler);
    List<Socket> open = new ArrayList<>();
    try {
      // Connections go round the event loops, so some are another HTTP server instance's.
      for (int i = 0; i < 5; i++) {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: test\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
        assertTrue(new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII).endsWith("200"));
        open.add(socket);
      }
      Eventually.within(Duration.ofSeconds(10), () ->
        // The five, and the one of the scrape.
        assertEquals(6, scrape(api).sum("vertx_http_server_active_connections"), 0.1));
      // Micrometer warns of a second registration once per JVM, so whether this run sees it depends on the tests
      // before: the same messages are logged here, as Micrometer logs them.
      micrometer.log(Level.WARNING, "This Gauge has been already registered (MeterId{name='vertx.http.server."
        + "active.connections', tags=[]}), the registration will be ignored. Note that subsequent logs will be logged "
        + "at debug level.");
      micrometer.log(Level.WARNING, "This Gauge has been already registered (MeterId{name='pr_uploads_waiting', "
        + "tags=[]}), the registration will be ignored.");
      assertEquals(List.of("This Gauge has been already registered (MeterId{name='pr_uploads_waiting', tags=[]}), "
        + "the registration will be ignored."), warnings.stream().map(LogRecord::getMessage).toList(),
        "Vert.x's shared connection gauges are not warned about; anything else is");
    } finally {
      micrometer.removeHandler(handler);
      for (Socket socket : open) {
        socket.close();
      }
    }
  }
}
