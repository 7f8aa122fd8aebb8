package org.packagerepository.http;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
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
}
