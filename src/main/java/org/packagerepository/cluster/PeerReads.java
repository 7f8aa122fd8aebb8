package org.packagerepository.cluster;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.NodeInfo;
import io.vertx.core.streams.ReadStream;
import org.packagerepository.metrics.Metrics;
import org.packagerepository.storage.remote.ResponseStream;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads of a package version from the member that owns it, over HTTP with the cluster secret (never over the event
 * bus, which would hold each message whole). The owner answers from its cache, or from the one fill of that version
 * it runs from the store, as it does any reader. Anything but a prompt, matching answer (the owner is gone, slow,
 * refuses, or has another version) means "read the store yourself": the owner is a hint, never a dependency.
 */
final class PeerReads {

  /** The path prefix of the owner's answers to other members. */
  static final String PATH = "/cluster/packages/";
  /** A member that does not answer within this long is read around. */
  static final int CONNECT_TIMEOUT_MS = 2_000;
  /** A member that sends no byte for this long is given up on (the readers following it are cut, never misled). */
  static final long IDLE_TIMEOUT_MS = 10_000;

  private static final System.Logger LOG = System.getLogger(PeerReads.class.getName());

  private final ClusterManager clusterManager;
  private final ClusterAuth auth;
  private final HttpClient http;
  private final Map<String, String> publicUrls = new ConcurrentHashMap<>();
  /** Versions read from their owner, and reads that went to the store because the owner could not serve. */
  private final Counter fromOwner;
  private final Counter aroundOwner;

  PeerReads(Vertx vertx, ClusterManager clusterManager, ClusterAuth auth) {
    this.clusterManager = clusterManager;
    this.auth = auth;
    MeterRegistry meters = Metrics.registry(vertx);
    this.fromOwner = Counter.builder("pr_cluster_owner_reads").tag("outcome", "owner")
      .description("Reads of a version not cached here: from its owner, or from the store because the owner could not "
        + "serve").register(meters);
    this.aroundOwner = Counter.builder("pr_cluster_owner_reads").tag("outcome", "store")
      .description("Reads of a version not cached here: from its owner, or from the store because the owner could not "
        + "serve").register(meters);
    // Chunks of up to 64 KiB, like the store's: each is a message of the transfer.
    this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MS)
      .setKeepAliveTimeout(30).setMaxChunkSize(64 * 1024), new PoolOptions().setHttp1MaxSize(64));
  }

  /** The bytes from the owner of the version, or null when this member is the owner or the owner cannot serve. */
  Future<ReadStream<Buffer>> fromOwner(String file, String etag, long offset, long length) {
    String owner = Owners.owner(clusterManager.getNodes(), file + "\n" + etag);
    if (length <= 0 || owner == null || owner.equals(clusterManager.getNodeId())) {
      return Future.succeededFuture();
    }
    return publicUrl(owner).compose(url -> get(url, file, etag, offset, length)).map(stream -> {
      fromOwner.increment();
      return stream;
    }).recover(e -> {
      aroundOwner.increment();
      LOG.log(System.Logger.Level.INFO, "Reading " + file + " from the store: its owner did not serve it ("
        + e.getMessage() + ")");
      return Future.succeededFuture();
    });
  }

  private Future<String> publicUrl(String node) {
    String known = publicUrls.get(node);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    Promise<NodeInfo> info = Promise.promise();
    clusterManager.getNodeInfo(node, info);
    return info.future().compose(nodeInfo -> {
      String url = nodeInfo == null || nodeInfo.metadata() == null ? null : nodeInfo.metadata().getString("public_url");
      if (url == null) {
        return Future.failedFuture("member " + node + " has not said where it is reached");
      }
      publicUrls.put(node, url);
      return Future.succeededFuture(url);
    });
  }

  private Future<ReadStream<Buffer>> get(String url, String file, String etag, long offset, long length) {
    String path = PATH + file;
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url + path)
      .setConnectTimeout(CONNECT_TIMEOUT_MS).setIdleTimeout(IDLE_TIMEOUT_MS)
      .putHeader("Range", "bytes=" + offset + "-" + (offset + length - 1))
      .putHeader("If-Match", "\"" + etag + "\"")
      .putHeader(ClusterAuth.HEADER, PeerAuth.sign(auth, "GET", path));
    return http.request(options).compose(request -> request.send()).compose(response -> {
      if (!serves(response, etag, offset, length)) {
        ResponseStream.discard(response);
        return Future.failedFuture("it answered " + response.statusCode());
      }
      return Future.succeededFuture(new ResponseStream(response, () -> { }));
    });
  }

  /** Exactly the bytes asked for, of exactly that version. */
  private static boolean serves(HttpClientResponse response, String etag, long offset, long length) {
    String contentRange = response.getHeader("Content-Range");
    boolean range = response.statusCode() == 206 && contentRange != null
      && contentRange.startsWith("bytes " + offset + "-" + (offset + length - 1) + "/");
    boolean whole = response.statusCode() == 200 && offset == 0
      && String.valueOf(length).equals(response.getHeader("Content-Length"));
    return (range || whole) && ("\"" + etag + "\"").equals(response.getHeader("ETag"));
  }

  Future<Void> close() {
    return http.close();
  }
}
