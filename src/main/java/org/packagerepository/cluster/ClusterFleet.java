package org.packagerepository.cluster;

import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.packagerepository.warm.Fleet;

import java.util.List;

/** The members of the cluster, as a warm reaches them: Hazelcast's members, messages signed with the cluster secret. */
final class ClusterFleet implements Fleet {

  private final HazelcastClusterManager clusterManager;
  private final ClusterAuth auth;
  private final String name;

  ClusterFleet(HazelcastClusterManager clusterManager, ClusterAuth auth, String name) {
    this.clusterManager = clusterManager;
    this.auth = auth;
    this.name = name;
  }

  @Override
  public String self() {
    return clusterManager.getNodeId();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<String> members() {
    return List.copyOf(clusterManager.getNodes());
  }

  @Override
  public DeliveryOptions signed(String body) {
    return new DeliveryOptions().addHeader(ClusterAuth.HEADER, auth.sign(body));
  }

  @Override
  public boolean verified(String body, MultiMap headers) {
    return auth.verify(body, headers.get(ClusterAuth.HEADER));
  }
}
