package org.packagerepository.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.MicrometerMetricsFactory;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link HttpServerMeters} exports what Vert.x's own HTTP server metrics export for the same traffic: the same series
 * (names and labels), the same counts and bytes. Times differ from run to run, so only their series are compared.
 */
class HttpServerMetersTest {

  @Test
  void theSameTrafficGivesTheSameSeriesCountsAndBytesAsVertxOwnMetrics() throws Exception {
    Set<String> vertx = exported(MicrometerMetricsFactory::new);
    Set<String> ours = exported(WithHttpServerMeters::factory);
    assertTrue(vertx.stream().anyMatch(line -> line.startsWith("vertx_http_server_requests_total{")), vertx::toString);
    assertEquals(vertx, ours);
  }

  /** The HTTP server's series after a fixed round of requests through a server with metrics from {@code factory}. */
  private static Set<String> exported(Function<PrometheusMeterRegistry, VertxMetricsFactory> factory) throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = Vertx.builder().with(new VertxOptions().setMetricsOptions(Metrics.options(registry)))
      .withMetrics(factory.apply(registry)).build();
    try {
      // Two server instances on one port, as the server runs one per event loop: connections go to either.
      int port;
      try (ServerSocket free = new ServerSocket(0)) {
        port = free.getLocalPort();
      }
      vertx.deployVerticle(() -> new Routes(port), new DeploymentOptions().setInstances(2)).await();
      // A client of its own, closed before the scrape, so that its connections are closed too.
      Vertx clients = Vertx.vertx();
      List<Integer> codes = new ArrayList<>();
      try {
        HttpClient client = clients.createHttpClient();
        for (int i = 0; i < 3; i++) {
          codes.add(call(client, port, HttpMethod.GET, "/packages/app-1.0.0.tar.gz", Buffer.buffer()));
        }
        codes.add(call(client, port, HttpMethod.GET, "/packages/gone-1.0.0.tar.gz", Buffer.buffer()));
        codes.add(call(client, port, HttpMethod.PUT, "/packages/new-1.0.0.tar.gz", Buffer.buffer(new byte[12_345])));
        codes.add(call(client, port, HttpMethod.GET, "/elsewhere", Buffer.buffer()));
      } finally {
        clients.close().await();
      }
      assertEquals(List.of(200, 200, 200, 404, 201, 404), codes);
      // Metrics are updated once each response is out, and the connections close after the client does.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      Set<String> series;
      do {
        series = series(registry.scrape());
      } while (!(series.contains("vertx_http_server_active_connections 0.0")
        && series.stream().filter(line -> line.startsWith("vertx_http_server_requests_total{")).count() == 4)
        && System.nanoTime() < deadline);
      return series;
    } finally {
      vertx.close().await();
    }
  }

  private static int call(HttpClient client, int port, HttpMethod method, String path, Buffer body) {
    return client.request(method, port, "127.0.0.1", path)
      .compose(request -> request.send(body))
      .compose(response -> response.body().map(ignored -> response.statusCode()))
      .await();
  }

  /** The HTTP server's lines, times without their values (they differ between runs). */
  private static Set<String> series(String scrape) {
    Set<String> lines = new TreeSet<>();
    for (String line : scrape.split("\n")) {
      if (!line.startsWith("vertx_http_server_")) {
        continue;
      }
      lines.add(line.contains("_seconds") ? line.substring(0, line.lastIndexOf(' ')) : line);
    }
    return lines;
  }

  /** A router as the server's: a route every package request goes through, then the package's own. */
  private static final class Routes extends VerticleBase {

    private final int port;

    Routes(int port) {
      this.port = port;
    }

    @Override
    public Future<?> start() {
      Router router = Router.router(vertx);
      router.route("/packages/*").handler(ctx -> ctx.next());
      router.get("/packages/:file").handler(ctx -> {
        if (ctx.pathParam("file").startsWith("app-")) {
          ctx.response().end("the package's bytes");
        } else {
          ctx.response().setStatusCode(404).end("{\"error\":\"not found\"}");
        }
      });
      router.put("/packages/:file").handler(ctx -> ctx.request().body()
        .onSuccess(body -> ctx.response().setStatusCode(201).end("{\"size\":" + body.length() + "}")));
      return vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1");
    }
  }
}
