package org.packagerepository.http;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.packagerepository.auth.Authenticator;
import org.packagerepository.auth.Permission;
import org.packagerepository.cluster.ClusterAuth;
import org.packagerepository.cluster.PeerAuth;
import org.packagerepository.events.PackageDeletion;
import org.packagerepository.events.PackageEvents;
import org.packagerepository.metrics.Metrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.PrometheusScrapingHandler;
import org.packagerepository.storage.StorageClient;
import org.packagerepository.transfer.TransferOptions;
import org.packagerepository.transfer.Transfers;

import java.util.List;

/**
 * The HTTP side: routes, validation, conditionals and ranges, error mapping. Knows nothing of any backend: it speaks
 * to storage only through {@link StorageClient} and transfers. One instance runs per event loop.
 *
 * <p>{@link #start()} is the route table, in the order the router tries the routes; the handlers do the work.
 */
public final class HttpVerticle extends VerticleBase {

  /** The largest piece of a request body Vert.x hands over at once. */
  private static final int MAX_CHUNK_BYTES = 64 * 1024;

  /**
   * What a streaming upload holds on the HTTP side, besides what its backend counts: the chunks decoded from the socket
   * read during which its connection stops being read ({@link SocketPacedStream}).
   */
  public static final long UPLOAD_READ_BYTES = 2L * MAX_CHUNK_BYTES;

  /** Where the other members of a cluster read the versions this one owns. */
  private static final String PEER_PREFIX = "/cluster/packages/";

  private final UploadSlots uploadSlots;
  private final Downloads downloads;
  private final HttpSettings settings;
  private HttpServer server;
  private StorageClient storage;
  private AccessGuard guard;
  private DownloadHandler download;
  /** The other members' reads: never redirected (they fill their caches from this member, not from the store). */
  private DownloadHandler peerDownload;
  private UploadHandler upload;
  private DeleteHandler delete;
  private CurrentListing currentListing;
  private Authenticator authenticator;
  private PackageReads packageReads;

  /** @param uploadSlots and {@code downloads} are shared by all instances of the server */
  public HttpVerticle(UploadSlots uploadSlots, Downloads downloads, HttpSettings settings) {
    this.uploadSlots = uploadSlots;
    this.downloads = downloads;
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    Transfers.registerCodecs(vertx);
    storage = new StorageClient(vertx);
    TransferOptions transferOptions = new TransferOptions();
    authenticator = settings.auth() == null ? null : new Authenticator(settings.auth());
    currentListing = new CurrentListing(storage);
    guard = new AccessGuard(authenticator);
    DownloadAdmission admission = new DownloadAdmission(downloads, settings.limits(), authenticator,
      Metrics.registry(vertx));
    download = new DownloadHandler(vertx, storage, transferOptions, settings.redirectAbove(), downloads::active,
      admission);
    peerDownload = new DownloadHandler(vertx, storage, transferOptions, -1, downloads::active, null);
    PackageEvents events = new PackageEvents(vertx);
    upload = new UploadHandler(vertx, storage, transferOptions, new UploadPolicy(settings.allowOverwrite(),
      settings.maxPackageSize(), 1000L * settings.bodyTimeoutSeconds()), uploadSlots, events);
    delete = new DeleteHandler(new PackageDeletion(storage, events));
    packageReads = new PackageReads(guard, download);

    Router router = Router.router(vertx);
    router.route().handler(AccessLog::start);
    // The API first: the router tries routes in order, and downloads are most of the requests.
    packageRoutes(router);        // /packages, /packages/*
    operationRoutes(router);      // /stats, /metrics, /health/live, /health/ready
    warmRoutes(router);           // /warm, /warm/<id>
    retentionRoutes(router);      // /retention
    if (settings.peerAuth() != null) {
      peerRoutes(router);         // /cluster/packages/*
    }
    browseRoutes(router);         // /, /browse/<name>, /assets/*
    fallbackRoutes(router);       // anything else, and paths the router cannot read
    return listen(router);
  }

  /** What operators and load balancers read: GET and HEAD only. */
  private void operationRoutes(Router router) {
    // What storage counts (the cache's hits, misses, coalesced readers and bytes from the store) and the downloads in
    // flight, as JSON.
    readOnly(router, "/stats").handler(guard.requiring(Permission.READ)).handler(ctx -> storage.counters().onComplete(ar -> {
      if (ar.failed()) {
        HttpErrors.send(ctx.response(), ar.cause());
      } else {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(ar.result().copy().put("downloads", downloads.toJson()).encode());
      }
    }));
    PrometheusMeterRegistry prometheus = Metrics.prometheus(vertx);
    if (prometheus != null) {
      readOnly(router, "/metrics").handler(guard.requiring(Permission.READ))
        .handler(PrometheusScrapingHandler.create(prometheus));
    }
    HealthHandler health = new HealthHandler(storage);
    readOnly(router, "/health/live").handler(ctx -> health.live(ctx.response()));
    readOnly(router, "/health/ready").handler(ctx -> health.ready(ctx.response()));
    for (String path : List.of("/stats", "/metrics", "/health/live", "/health/ready")) {
      router.route(path).handler(HttpVerticle::readOnlyMethodNotAllowed);
    }
  }

  /** Warming the caches of every member before a rollout, and its progress. */
  private void warmRoutes(Router router) {
    WarmHandler warm = new WarmHandler(vertx.eventBus());
    router.post("/warm").handler(guard.requiring(Permission.WRITE)).handler(warm::start);
    router.route("/warm").handler(HttpVerticle::postOnlyMethodNotAllowed);
    readOnly(router, WarmHandler.PREFIX + "*").handler(guard.requiring(Permission.READ)).handler(warm::status);
    router.route(WarmHandler.PREFIX + "*").handler(HttpVerticle::readOnlyMethodNotAllowed);
  }

  /** Running retention now, or asking what it would delete: POST only. */
  private void retentionRoutes(Router router) {
    RetentionHandler retention = new RetentionHandler(vertx.eventBus(), guard);
    router.post("/retention").handler(retention::run);
    router.route("/retention").handler(HttpVerticle::postOnlyMethodNotAllowed);
  }

  /**
   * Other members' reads of the versions this one owns: answered like downloads, but only to the cluster's members,
   * and on their own route and counter (not counted as clients' downloads).
   */
  private void peerRoutes(Router router) {
    Counter peerReads = Counter.builder("pr_cluster_peer_reads")
      .description("Reads of the versions this member owns by the other members of the cluster")
      .register(Metrics.registry(vertx));
    readOnly(router, PEER_PREFIX + "*").handler(ctx -> {
      HttpServerRequest request = ctx.request();
      if (!PeerAuth.verify(settings.peerAuth(), request.method().name(), request.path(),
        request.getHeader(ClusterAuth.HEADER))) {
        HttpErrors.send(request.response(), 403, "Only the members of the cluster read here");
        return;
      }
      peerReads.increment();
      String file = PackagePath.percentDecode(request.path().substring(PEER_PREFIX.length()));
      if (request.method() == HttpMethod.HEAD) {
        peerDownload.head(request, file);
      } else {
        peerDownload.get(Exchange.of(ctx), file);
      }
    });
  }

  /** The API: the listing, and GET, HEAD, PUT and DELETE of a package. */
  private void packageRoutes(Router router) {
    // Before anything reads the request: an upload refused here never gets 100 Continue.
    Handler<RoutingContext> packagesGuard = guard.requiringWhatTheMethodNeeds();
    router.route("/packages").handler(packagesGuard);
    router.route("/packages/*").handler(packagesGuard);
    ListingHandler listing = new ListingHandler(currentListing);
    for (String path : List.of("/packages", "/packages/")) {
      readOnly(router, path).handler(ctx -> listing.list(ctx.request()));
      router.route(path).handler(ctx -> {
        // What follows /packages/ is a package name; PUT with none is refused as an invalid name, further on.
        if (ctx.request().method() == HttpMethod.PUT) {
          ctx.next();
        } else {
          readOnlyMethodNotAllowed(ctx);
        }
      });
    }
    router.route("/packages/*").handler(ctx -> {
      HttpServerRequest request = ctx.request();
      String file = PackagePath.fileName(request.path());
      HttpMethod method = request.method();
      if (method == HttpMethod.PUT) {
        upload.put(request, file);
      } else if (method == HttpMethod.GET) {
        download.get(Exchange.of(ctx), file);
      } else if (method == HttpMethod.HEAD) {
        download.head(request, file);
      } else if (method == HttpMethod.DELETE) {
        delete.delete(request, file);
      } else {
        request.response().putHeader(HttpHeaders.ALLOW, "GET, HEAD, PUT, DELETE");
        HttpErrors.send(request.response(), 405, method + " is not supported on packages; use GET, HEAD, PUT or DELETE");
      }
    });
  }

  /** The pages for people: read like the listing, with the same permission. */
  private void browseRoutes(Router router) {
    boolean readNeedsCredentials = authenticator != null
      && !authenticator.decide(null, Permission.READ).allowed();
    BrowseHandler browse = new BrowseHandler(vertx, storage, currentListing,
      new BrowsePages(BrowseAssets.addresses()), readNeedsCredentials, settings.limits().trustedProxies());
    readOnly(router, "/").handler(guard.requiring(Permission.READ)).handler(browse::index);
    readOnly(router, BrowseHandler.PAGE_PREFIX + "*").handler(guard.requiring(Permission.READ))
      .handler(browse::packagePage);
    readOnly(router, BrowseAssets.PREFIX + "*").handler(BrowseAssets::serve);
    for (String path : List.of("/", BrowseHandler.PAGE_PREFIX + "*", BrowseAssets.PREFIX + "*")) {
      router.route(path).handler(HttpVerticle::readOnlyMethodNotAllowed);
    }
  }

  /** Paths no route takes, and paths the router cannot read: a PUT under /packages/ is still refused as a name. */
  private void fallbackRoutes(Router router) {
    router.route().last().handler(ctx -> {
      // The router removes dot segments before matching; a path that named a package before that is still refused as such.
      HttpServerRequest request = ctx.request();
      if (request.path().startsWith(PackagePath.PREFIX) && request.method() == HttpMethod.PUT) {
        if (guard.admits(ctx, Permission.WRITE)) {
          upload.put(request, null);
        }
      } else {
        HttpErrors.send(request.response(), 404, "Nothing here: the API is under /packages");
      }
    });
    router.errorHandler(400, ctx -> {
      // A path that is not valid percent-encoding (e.g. %zz) fails the router's normalization before any route:
      // under /packages/ it cannot name a package.
      HttpServerRequest request = ctx.request();
      if (request.path().startsWith(PackagePath.PREFIX) && request.method() == HttpMethod.PUT) {
        if (guard.admits(ctx, Permission.WRITE)) {
          upload.put(request, null);
        }
      } else if (request.path().startsWith(PackagePath.PREFIX)) {
        HttpErrors.send(request.response(), 404, "No package named that: the path is not valid percent-encoding");
      } else {
        HttpErrors.send(request.response(), 400, "The request path is not valid percent-encoding");
      }
    });
    router.errorHandler(500, this::internalError);
  }

  private Future<HttpServer> listen(Router router) {
    HeaderTimeout headerTimeout = new HeaderTimeout(vertx,
      java.util.concurrent.TimeUnit.SECONDS.toMillis(settings.headerTimeoutSeconds()));
    server = vertx.createHttpServer(serverOptions())
      .connectionHandler(headerTimeout::connected)
      .requestHandler(request -> {
        headerTimeout.received(request.connection());
        // Most requests are reads of a package: answered without the router, which does the same for them.
        if (!packageReads.handle(request)) {
          router.handle(request);
        }
      });
    return server.listen();
  }

  private HttpServerOptions serverOptions() {
    HttpServerOptions options = new HttpServerOptions()
      .setPort(settings.port())
      .setHost(settings.host())
      // Refusals must go out instead of 100 Continue: answered by UploadHandler, never automatically.
      .setHandle100ContinueAutomatically(false)
      .setCompressionSupported(false)
      .setMaxChunkSize(MAX_CHUNK_BYTES)
      // HTTP/1.1 only: sendfile is zero-copy only there, and an h2c upgrade of a streamed PUT (the JDK client
      // asks for one by default) must not change how the body flows.
      .setHttp2ClearTextEnabled(false)
      // A connection that moves no byte either way for this long is closed: a client that stops sending its
      // upload, or stops reading its download, does not hold a connection (and an upload slot) forever.
      .setIdleTimeout(settings.idleTimeoutSeconds())
      .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS);
    if (settings.tlsCert() != null) {
      // HTTPS: the kernel's sendfile cannot encrypt, so downloads are read and written through the TLS engine.
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(settings.tlsCert())
        .setKeyPath(settings.tlsKey()));
    }
    return options;
  }

  /**
   * Stops accepting connections and requests; requests in flight may finish within {@code drainMillis}, then what is
   * left is closed (an upload cut so is dropped by storage: nothing partial is published).
   */
  public Future<Void> shutdown(long drainMillis) {
    return server.shutdown(drainMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** The port actually listened on. */
  public int actualPort() {
    return server.actualPort();
  }

  /** GET, and HEAD: answered as GET (Vert.x leaves the body out), as RFC 9110 asks of every GET resource. */
  private static Route readOnly(Router router, String path) {
    return router.route(path).method(HttpMethod.GET).method(HttpMethod.HEAD);
  }

  /** Any other method on a path that is only read. */
  private static void readOnlyMethodNotAllowed(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.ALLOW, "GET, HEAD");
    HttpErrors.send(ctx.response(), 405, ctx.request().method() + " is not supported on " + ctx.request().path()
      + "; use GET or HEAD");
  }

  /** Any other method on a path that only takes POST. */
  private static void postOnlyMethodNotAllowed(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.ALLOW, "POST");
    HttpErrors.send(ctx.response(), 405, ctx.request().method() + " is not supported on " + ctx.request().path()
      + "; use POST");
  }

  private void internalError(RoutingContext ctx) {
    HttpErrors.send(ctx.response(), ctx.failure() == null ? new IllegalStateException("unknown") : ctx.failure());
  }
}
