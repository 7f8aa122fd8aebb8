package org.packagerepository.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.packagerepository.storage.StorageAddresses;
import org.packagerepository.storage.StorageError;
import org.packagerepository.storage.StorageException;
import org.packagerepository.storage.driver.Coordination;
import org.packagerepository.transfer.Transfers;
import org.packagerepository.warm.Fleet;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Writes and coherence across the members of a cluster. A change of a package runs with the package locked for the
 * whole cluster: a Hazelcast map lock, which Hazelcast releases when its member leaves the cluster (dies, or stops
 * answering for {@value HazelcastSetup#MAX_NO_HEARTBEAT_SECONDS} s), and which has a lease besides, so that a member
 * stuck in a change cannot hold it for good. Each change is published on the clustered event bus, signed with the
 * cluster secret; each other member's storage drops what it knew of the package. A member that was cut off from the
 * others and merges back may have missed changes: its storage forgets every package.
 */
public final class ClusterCoordination implements Coordination {

  /** The clustered event-bus address of change events. */
  static final String CHANGES = "pr.cluster.changes";
  /** How long a change waits for another member's change of the same package before it is refused with 503. */
  static final long LOCK_WAIT_MS = 30_000;
  /** The longest a change holds a package's lock; longer than any commit (a multipart copy of many GiB). */
  static final long LOCK_LEASE_MS = TimeUnit.MINUTES.toMillis(10);

  private static final System.Logger LOG = System.getLogger(ClusterCoordination.class.getName());

  private final Vertx vertx;
  private final IMap<String, Boolean> locks;
  private final String nodeId;
  private final ClusterAuth auth;
  private final PeerReads peers;
  private final ClusterFleet fleet;

  private ClusterCoordination(Vertx vertx, HazelcastClusterManager clusterManager, ClusterAuth auth, String name) {
    this.vertx = vertx;
    this.fleet = new ClusterFleet(clusterManager, auth, name);
    this.locks = clusterManager.getHazelcastInstance().getMap("pr.package-locks");
    this.nodeId = clusterManager.getNodeId();
    this.auth = auth;
    this.peers = new PeerReads(vertx, clusterManager, auth);
  }

  /**
   * Starts listening to the other members' changes and registers the coordination of the storage about to be
   * deployed on {@code vertx}, which must have joined the cluster.
   */
  public static Future<ClusterCoordination> start(Vertx vertx, ClusterSettings settings) {
    if (!(vertx instanceof VertxInternal internal)
      || !(internal.clusterManager() instanceof HazelcastClusterManager clusterManager)) {
      return Future.failedFuture(new IllegalStateException("config.cluster is set, but this Vert.x is not clustered"));
    }
    HazelcastInstance hazelcast = clusterManager.getHazelcastInstance();
    ClusterCoordination coordination = new ClusterCoordination(vertx, clusterManager, new ClusterAuth(settings.secret()),
      settings.publicUrl().toString());
    hazelcast.getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
        LOG.log(System.Logger.Level.WARNING, "Back in the cluster after being cut off: what was known of every "
          + "package is forgotten");
        vertx.eventBus().send(StorageAddresses.CHANGED, new JsonObject(), Transfers.LOCAL);
      }
    });
    return vertx.eventBus().<String>consumer(CHANGES, coordination::received).completion().map(v -> {
      Coordination.register(vertx, coordination);
      return coordination;
    });
  }

  /** The members, as a warm reaches them. */
  public Fleet fleet() {
    return fleet;
  }

  @Override
  public <T> Future<T> locked(String file, Supplier<Future<T>> change) {
    return vertx.executeBlocking(() -> locks.tryLock(file, LOCK_WAIT_MS, TimeUnit.MILLISECONDS, LOCK_LEASE_MS,
      TimeUnit.MILLISECONDS), false).compose(acquired -> {
        if (!acquired) {
          return Future.failedFuture(new StorageException(StorageError.UNAVAILABLE, "Another member of the cluster "
            + "has been changing " + file + " for " + LOCK_WAIT_MS / 1000 + " s; try again"));
        }
        long start = System.nanoTime();
        return change.get().eventually(() -> unlock(file, start));
      });
  }

  /** Unlocks, unless the lease ran out meanwhile: then the lock may already be another change's. */
  private Future<Void> unlock(String file, long lockedAt) {
    if (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lockedAt) >= LOCK_LEASE_MS - 1_000) {
      LOG.log(System.Logger.Level.WARNING, "A change of " + file + " took longer than the lock's lease");
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      locks.forceUnlock(file);
      return null;
    }, false);
  }

  @Override
  public void changed(String file) {
    JsonObject event = new JsonObject().put("file", file).put("from", nodeId);
    String body = event.encode();
    vertx.eventBus().publish(CHANGES, body, new DeliveryOptions().addHeader(ClusterAuth.HEADER, auth.sign(body)));
  }

  @Override
  public Future<ReadStream<Buffer>> fromOwner(String file, String etag, long offset, long length) {
    return peers.fromOwner(file, etag, offset, length);
  }

  private void received(Message<String> message) {
    String body = message.body();
    if (!auth.verify(body, message.headers().get(ClusterAuth.HEADER))) {
      LOG.log(System.Logger.Level.WARNING, "Refused a change event without the cluster secret");
      return;
    }
    JsonObject event = new JsonObject(body);
    if (!nodeId.equals(event.getString("from"))) {
      vertx.eventBus().send(StorageAddresses.CHANGED, new JsonObject().put("file", event.getString("file")),
        Transfers.LOCAL);
    }
  }
}
