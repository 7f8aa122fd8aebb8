package org.packagerepository;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.packagerepository.metrics.Metrics;
import org.packagerepository.cluster.ClusterAuth;
import org.packagerepository.cluster.ClusterCoordination;
import org.packagerepository.events.CallbackVerticle;
import org.packagerepository.http.Downloads;
import org.packagerepository.http.HttpSettings;
import org.packagerepository.http.HttpVerticle;
import org.packagerepository.http.UploadSlots;
import org.packagerepository.retention.DownloadTimes;
import org.packagerepository.retention.RetentionSettings;
import org.packagerepository.retention.RetentionVerticle;
import org.packagerepository.storage.StorageBackend;
import org.packagerepository.transfer.Transfers;
import org.packagerepository.warm.Fleet;
import org.packagerepository.warm.WarmVerticle;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/** A running package repository: the storage verticle of the configured backend and the HTTP verticles in front of it. */
public final class Server {

  private static final long CALLBACK_FIRST_RETRY_MS = 1000;

  private final Vertx vertx;
  private final List<String> deployments;
  private final List<HttpVerticle> http;
  private final int port;

  private Server(Vertx vertx, List<String> deployments, List<HttpVerticle> http, int port) {
    this.vertx = vertx;
    this.deployments = deployments;
    this.http = http;
    this.port = port;
  }

  /** Deploys storage first, so that the first request finds it. Port 0 picks a random free port. */
  public static Future<Server> start(Vertx vertx, RepositoryConfig config) {
    return start(vertx, config, InstantSource.system());
  }

  /** @param clock what "now" is to retention: the ages of versions and of their last downloads (tests move it) */
  public static Future<Server> start(Vertx vertx, RepositoryConfig config, InstantSource clock) {
    return start(vertx, config, config.storage(), clock);
  }

  private static <S> Future<Server> start(Vertx vertx, RepositoryConfig config, StorageBackend<S> backend,
                                          InstantSource clock) {
    S storage;
    UploadSlots uploadSlots;
    try {
      storage = backend.settings(config.backendSection());
      uploadSlots = uploadSlots(config, backend, storage, Runtime.getRuntime().maxMemory());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    Transfers.registerCodecs(vertx);
    List<String> deployments = new ArrayList<>();
    // A negative port makes every HTTP verticle instance share one random port.
    HttpSettings http = new HttpSettings(config.port() == 0 ? -1 : config.port(), config.host(),
      config.allowOverwrite(), config.maxPackageSize(), config.idleTimeoutSeconds(), config.headerTimeoutSeconds(),
      config.bodyTimeoutSeconds(), config.tlsCertPath(), config.tlsKeyPath(), config.auth(),
      config.cluster() == null ? null : new ClusterAuth(config.cluster().secret()), config.limits(),
      backend.redirectAbove(storage));
    RetentionSettings retention = config.retention();
    // Last-download times are kept only for retention, and then from the start, whatever its rules say now.
    DownloadTimes downloadTimes = retention == null ? null : new DownloadTimes(clock);
    Downloads downloads = new Downloads(config.limits().maxDownloads(), downloadTimes);
    int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
    List<HttpVerticle> verticles = java.util.Collections.synchronizedList(new ArrayList<>());
    String callback = config.packageCallback();
    MeterRegistry meters = Metrics.registry(vertx);
    Gauge.builder("pr_uploads_streaming", uploadSlots, UploadSlots::streaming)
      .description("Uploads whose bodies are being read now").register(meters);
    Gauge.builder("pr_uploads_waiting", uploadSlots, UploadSlots::waiting)
      .description("Uploads waiting for a turn, their bodies not read yet").register(meters);
    Gauge.builder("pr_downloads_active", downloads, Downloads::active)
      .description("Downloads in flight: admitted, their answers not yet out").register(meters);
    Future<Fleet> coordinated = config.cluster() == null ? Future.succeededFuture(Fleet.ALONE)
      : ClusterCoordination.start(vertx, config.cluster()).map(ClusterCoordination::fleet);
    return coordinated.compose(fleet -> backend.deploy(vertx, storage)
        .compose(id -> {
          deployments.add(id);
          return vertx.deployVerticle(new WarmVerticle(fleet));
        }))
      .compose(id -> {
        deployments.add(id);
        return callback.isEmpty() ? Future.succeededFuture(null)
          : vertx.deployVerticle(new CallbackVerticle(callback, CALLBACK_FIRST_RETRY_MS));
      })
      .compose(id -> {
        if (id != null) {
          deployments.add(id);
        }
        // Before the HTTP side, so stopped after it: the last downloads' times are flushed to storage, still running.
        return retention == null ? Future.succeededFuture(null)
          : vertx.deployVerticle(new RetentionVerticle(retention, downloadTimes, downloads::inFlight, clock));
      })
      .compose(id -> {
        if (id != null) {
          deployments.add(id);
        }
        return vertx.deployVerticle(() -> {
          HttpVerticle verticle = new HttpVerticle(uploadSlots, downloads, http);
          verticles.add(verticle);
          return verticle;
        }, new DeploymentOptions().setInstances(instances).setThreadingModel(ThreadingModel.EVENT_LOOP));
      })
      .map(id -> {
        deployments.add(id);
        return new Server(vertx, deployments, List.copyOf(verticles), verticles.get(0).actualPort());
      })
      .recover(e -> undeploy(vertx, deployments).transform(ignored -> Future.failedFuture(e)));
  }

  /** How many uploads stream at once, and wait, unless the configuration says: as many as the backend's share holds. */
  static <S> UploadSlots uploadSlots(RepositoryConfig config, StorageBackend<S> backend, S storage, long maxHeapBytes) {
    return UploadSlots.of(config.maxStreamingUploads(), config.maxWaitingUploads(), backend.uploadHeapShare(maxHeapBytes),
      backend.bytesPerUpload(storage, maxHeapBytes) + HttpVerticle.UPLOAD_READ_BYTES);
  }

  public int port() {
    return port;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** Stops at once: the HTTP side first, then storage. */
  public Future<Void> stop() {
    return undeploy(vertx, deployments);
  }

  /**
   * Stops gracefully: no new connections or requests; requests in flight (uploads, downloads) may finish within
   * {@code drainMillis}; then the rest are cut, which aborts their uploads (nothing partial is published, and storage
   * deletes what they wrote), and everything stops.
   */
  public Future<Void> stop(long drainMillis) {
    return Future.join(http.stream().map(verticle -> verticle.shutdown(drainMillis)).toList())
      .transform(ignored -> undeploy(vertx, deployments));
  }

  private static Future<Void> undeploy(Vertx vertx, List<String> deployments) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String id = deployments.get(i);
      chain = chain.compose(v -> vertx.undeploy(id));
    }
    deployments.clear();
    return chain;
  }
}
