package org.packagerepository.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The HTTP server's metrics, under the names, labels and meanings of Vert.x's Micrometer metrics (Vert.x 4 naming,
 * with the labels route, method and code that the server's options enable), which the README documents: requests,
 * their times and bytes by route, method and status, requests in flight by method, request bytes by method, open
 * connections, bytes in and out, errors.
 *
 * <p>Vert.x's implementation builds and merges tag lists and looks six meters up in the registry for every request;
 * on a small range request that was a seventh of the server's throughput. Here the meters of a method, and of a route,
 * method and status, are looked up once and kept: a request's routes lead through a tree of {@link Label}s made once
 * each, and a label keeps the meters of the responses it has seen, so a request allocates nothing but its own record
 * and costs the meters' own updates. Counts that are only ever added to are kept in {@link LongAdder}s that the
 * registry reads at each scrape: a {@link Counter} adds doubles, in a loop of compare-and-sets.
 */
final class HttpServerMeters implements HttpServerMetrics<HttpServerMeters.Request, Void, Void> {

  private final MeterRegistry registry;
  private final LongAdder connections = new LongAdder();
  private final LongAdder bytesRead = new LongAdder();
  private final LongAdder bytesWritten = new LongAdder();
  private final ConcurrentMap<HttpMethod, MethodMeters> byMethod = new ConcurrentHashMap<>();
  private final ConcurrentMap<ResponseKey, ResponseMeters> byResponse = new ConcurrentHashMap<>();
  /** The label of a request no route has handled; every other label is reached from it. */
  private final Label unrouted = new Label("");
  private volatile Counter errors;

  /**
   * One for all the HTTP servers of a Vertx, as Vert.x shared its meters among them: connections of every server
   * instance (one per event loop) count in one gauge.
   */
  HttpServerMeters(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("vertx.http.server.active.connections", connections, LongAdder::doubleValue)
      .description("Number of opened connections to the server").strongReference(true).register(registry);
    FunctionCounter.builder("vertx.http.server.bytes.read", bytesRead, LongAdder::doubleValue)
      .description("Number of bytes received by the server").register(registry);
    FunctionCounter.builder("vertx.http.server.bytes.written", bytesWritten, LongAdder::doubleValue)
      .description("Number of bytes sent by the server").register(registry);
  }

  @Override
  public Void connected(SocketAddress remoteAddress, String remoteName) {
    connections.increment();
    return null;
  }

  @Override
  public void disconnected(Void socketMetric, SocketAddress remoteAddress) {
    connections.decrement();
  }

  @Override
  public void bytesRead(Void socketMetric, SocketAddress remoteAddress, long numberOfBytes) {
    bytesRead.add(numberOfBytes);
  }

  @Override
  public void bytesWritten(Void socketMetric, SocketAddress remoteAddress, long numberOfBytes) {
    bytesWritten.add(numberOfBytes);
  }

  @Override
  public void exceptionOccurred(Void socketMetric, SocketAddress remoteAddress, Throwable t) {
    Counter counter = errors;
    if (counter == null) {
      // Registered at the first error, as Vert.x does; without the class label, which the server's options leave off.
      counter = Counter.builder("vertx.http.server.errors").description("Number of errors").register(registry);
      errors = counter;
    }
    counter.increment();
  }

  @Override
  public Request requestBegin(Void socketMetric, HttpRequest request) {
    return begin(request.method());
  }

  @Override
  public Request responsePushed(Void socketMetric, HttpMethod method, String uri, HttpResponse response) {
    return begin(method);
  }

  private Request begin(HttpMethod method) {
    MethodMeters meters = byMethod.computeIfAbsent(method, MethodMeters::new);
    meters.active.increment();
    return new Request(meters, unrouted, System.nanoTime());
  }

  @Override
  public void requestRouted(Request request, String route) {
    request.addRoute(route);
  }

  @Override
  public void requestEnd(Request request, HttpRequest httpRequest, long bytesRead) {
    request.meters.requestBytes.record(bytesRead);
    request.requestEnded = true;
    if (!request.reset && request.responseEnded) {
      request.meters.active.decrement();
    }
  }

  @Override
  public void requestReset(Request request) {
    request.meters.resets().increment();
    request.meters.active.decrement();
    request.reset = true;
  }

  @Override
  public void responseEnd(Request request, HttpResponse response, long bytesWritten) {
    long nanos = System.nanoTime() - request.started;
    ResponseMeters meters = request.route.meters(request.meters, response.statusCode());
    meters.requests.increment();
    meters.time.record(nanos, TimeUnit.NANOSECONDS);
    meters.bytes.record(bytesWritten);
    request.responseEnded = true;
    if (!request.reset && request.requestEnded) {
      request.meters.active.decrement();
    }
  }

  /** One request: what its end needs. */
  static final class Request {
    private final MethodMeters meters;
    private final long started;
    /** The routes it went through. */
    private Label route;
    private boolean requestEnded;
    private boolean responseEnded;
    private boolean reset;

    private Request(MethodMeters meters, Label route, long started) {
      this.meters = meters;
      this.route = route;
      this.started = started;
    }

    private void addRoute(String next) {
      if (next != null) {
        route = route.then(next);
      }
    }
  }

  /**
   * The route label of the requests that went through the same routes: their names joined by {@code >}, as Vert.x
   * labels them. Routes are few and fixed, so labels are too, and each is made once.
   */
  private final class Label {
    private final String text;
    private final ConcurrentMap<String, Label> next = new ConcurrentHashMap<>();
    /** The meters of the responses of this label's requests so far: copied on write, read without a lock. */
    private volatile ResponseMeters[] responses = new ResponseMeters[0];

    private Label(String text) {
      this.text = text;
    }

    private Label then(String route) {
      Label label = next.get(route);
      return label != null ? label : next.computeIfAbsent(route, r -> new Label(text.isEmpty() ? r : text + '>' + r));
    }

    private ResponseMeters meters(MethodMeters method, int code) {
      ResponseMeters meters = find(responses, method, code);
      return meters != null ? meters : added(method, code);
    }

    private synchronized ResponseMeters added(MethodMeters method, int code) {
      ResponseMeters[] known = responses;
      ResponseMeters meters = find(known, method, code);
      if (meters == null) {
        meters = byResponse.computeIfAbsent(new ResponseKey(text, method.method, code),
          key -> new ResponseMeters(key, method));
        ResponseMeters[] grown = Arrays.copyOf(known, known.length + 1);
        grown[known.length] = meters;
        responses = grown;
      }
      return meters;
    }

    private static ResponseMeters find(ResponseMeters[] known, MethodMeters method, int code) {
      for (ResponseMeters meters : known) {
        if (meters.method == method && meters.code == code) {
          return meters;
        }
      }
      return null;
    }
  }

  private final class MethodMeters {
    private final String method;
    private final LongAdder active = new LongAdder();
    private final DistributionSummary requestBytes;
    private volatile Counter resets;

    private MethodMeters(HttpMethod httpMethod) {
      method = httpMethod.name();
      Gauge.builder("vertx.http.server.active.requests", active, LongAdder::doubleValue)
        .description("Number of requests being processed").tag("method", method).strongReference(true)
        .register(registry);
      requestBytes = DistributionSummary.builder("vertx.http.server.request.bytes")
        .description("Size of requests in bytes").tag("method", method).register(registry);
    }

    /** Registered at the first reset, as Vert.x does: most servers never see one. */
    private Counter resets() {
      Counter counter = resets;
      if (counter == null) {
        counter = Counter.builder("vertx.http.server.request.resets").description("Number of request resets")
          .tag("method", method).register(registry);
        resets = counter;
      }
      return counter;
    }
  }

  private record ResponseKey(String route, String method, int code) {
  }

  private final class ResponseMeters {
    private final MethodMeters method;
    private final int code;
    private final LongAdder requests = new LongAdder();
    private final Timer time;
    private final DistributionSummary bytes;

    private ResponseMeters(ResponseKey key, MethodMeters method) {
      this.method = method;
      this.code = key.code();
      String code = Integer.toString(key.code());
      FunctionCounter.builder("vertx.http.server.requests", requests, LongAdder::doubleValue)
        .description("Number of processed requests").tag("route", key.route()).tag("method", key.method())
        .tag("code", code).register(registry);
      time = Timer.builder("vertx.http.server.response.time").description("Request processing time")
        .tag("route", key.route()).tag("method", key.method()).tag("code", code).register(registry);
      bytes = DistributionSummary.builder("vertx.http.server.response.bytes").description("Size of responses in bytes")
        .tag("route", key.route()).tag("method", key.method()).tag("code", code).register(registry);
    }
  }
}
