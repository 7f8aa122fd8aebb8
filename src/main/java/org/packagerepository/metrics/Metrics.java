package org.packagerepository.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;

import java.util.EnumSet;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.logging.Logger;

/**
 * The server's metrics: Vert.x's own (HTTP server requests by route, method and status with their bytes and times,
 * requests in flight, the HTTP client's requests to Swift; the HTTP server's kept by {@link HttpServerMeters} under
 * Vert.x's names) and ours ({@code pr_*}), in one Prometheus registry per Vertx instance, scraped at
 * {@code GET /metrics}. The JVM's own metrics are left out: their binders cost about
 * 100 ms of start-up, against a target of one second.
 *
 * <p>Labels are chosen for bounded cardinality: never a path (every package name would be a series) and never an
 * event-bus address (every transfer has its own). Event-bus metrics are off: every chunk of every transfer is a
 * message, and counting them would cost the hot path without telling an operator anything.
 */
public final class Metrics {

  private static final Map<Vertx, PrometheusMeterRegistry> REGISTRIES = new WeakHashMap<>();

  /**
   * Vert.x registers its connection gauges once per connection and shares one counter among them, so the gauge is
   * right (tested), but Micrometer warns about the second registration as if it were a mistake: an operator would
   * read that WARNING at the first connections of every run. Only that note about Vert.x's own gauges is dropped.
   * Held here: java.util.logging keeps loggers only weakly, and the filter would go with a collected one.
   */
  private static final Logger MICROMETER_REGISTRY_LOG = quietGaugeReregistration();

  private Metrics() {
  }

  /** A Vertx with metrics on, whose registry {@link #registry} finds. */
  public static Vertx newVertx(VertxOptions options) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    return registered(builder(options, registry).build(), registry);
  }

  /** The same, clustered by {@code clusterManager}: completes once this member has joined. */
  public static Future<Vertx> newClusteredVertx(VertxOptions options, ClusterManager clusterManager) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    return builder(options, registry).withClusterManager(clusterManager).buildClustered()
      .map(vertx -> registered(vertx, registry));
  }

  private static VertxBuilder builder(VertxOptions options, PrometheusMeterRegistry registry) {
    // Linux's epoll when its native library is there (the build has it for x86-64), else the JDK's transport.
    return Vertx.builder().with(options.setMetricsOptions(options(registry)).setPreferNativeTransport(true))
      .withMetrics(WithHttpServerMeters.factory(registry));
  }

  /** What Vert.x's metrics into {@code registry} measure and how they are labelled. */
  static MicrometerMetricsOptions options(PrometheusMeterRegistry registry) {
    return new MicrometerMetricsOptions()
      .setEnabled(true)
      .setJvmMetricsEnabled(false)
      .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME))
      .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
      // Each instance its own name: tests run many servers in one JVM.
      .setRegistryName("package-repository-" + System.identityHashCode(registry));
  }

  private static Vertx registered(Vertx vertx, PrometheusMeterRegistry registry) {
    synchronized (REGISTRIES) {
      REGISTRIES.put(vertx, registry);
    }
    return vertx;
  }

  private static Logger quietGaugeReregistration() {
    Logger log = Logger.getLogger("io.micrometer.core.instrument.MeterRegistry");
    log.setFilter(record -> record.getMessage() == null
      || !(record.getMessage().startsWith("This Gauge has been already registered")
        && record.getMessage().contains("name='vertx.")));
    return log;
  }

  public static Vertx newVertx() {
    return newVertx(new VertxOptions());
  }

  /** The Prometheus registry of {@code vertx}, or null when it was not made by {@link #newVertx}. */
  public static PrometheusMeterRegistry prometheus(Vertx vertx) {
    synchronized (REGISTRIES) {
      return REGISTRIES.get(vertx);
    }
  }

  /** Where to register meters for {@code vertx}: its registry, or one nobody reads when metrics are off. */
  public static MeterRegistry registry(Vertx vertx) {
    PrometheusMeterRegistry registry = prometheus(vertx);
    return registry != null ? registry : new SimpleMeterRegistry();
  }
}
