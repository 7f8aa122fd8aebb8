package org.packagerepository.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Hazelcast member of a cluster's settings, written out in code (not read from a {@code cluster.xml} on the class
 * path): members found only by the list or the Kubernetes service given, never by multicast or auto-detection; no
 * phone-home; its log through {@code java.util.logging}, like everything else; a dead or paused member noticed within
 * a few seconds; and only members with the same secret in one cluster.
 */
public final class HazelcastSetup {

  /** A member that sends no heartbeat for this long is taken out of the cluster (SPEC.md: noticed within 10 s). */
  static final int MAX_NO_HEARTBEAT_SECONDS = 5;

  private HazelcastSetup() {
  }

  public static HazelcastClusterManager clusterManager(ClusterSettings settings) {
    return new HazelcastClusterManager(config(settings));
  }

  /** Where this member's clustered event bus listens and is reached. */
  public static EventBusOptions eventBus(ClusterSettings settings) {
    // The other members find this one's HTTP API (for reads of the versions it owns) in its node's metadata.
    EventBusOptions options = new EventBusOptions().setPort(settings.busPort())
      .setClusterNodeMetadata(new JsonObject().put("public_url", settings.publicUrl().toString()));
    if (settings.bindHost() != null) {
      options.setHost(settings.bindHost()).setClusterPublicHost(settings.bindHost());
    }
    return options;
  }

  static Config config(ClusterSettings settings) {
    Config config = new Config();
    config.setClusterName(clusterName(settings.secret()));
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "jdk");
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(MAX_NO_HEARTBEAT_SECONDS));
    // A member paused (or cut off) and back merges into the cluster soon, not after the default minutes.
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    // The master waits this long for more joiners before it admits one (default 5 s): members start one at a time.
    config.setProperty("hazelcast.wait.seconds.before.join", "1");
    if (settings.bindHost() != null) {
      config.setProperty("hazelcast.local.localAddress", settings.bindHost());
    }
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(settings.bindPort()).setPortAutoIncrement(false);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (settings.kubernetesService() != null) {
      join.getKubernetesConfig().setEnabled(true).setProperty("service-dns", settings.kubernetesService());
    } else {
      join.getTcpIpConfig().setEnabled(true).setMembers(settings.members());
    }
    // What Vert.x's own default-cluster.xml declares for its structures.
    config.addMultiMapConfig(new MultiMapConfig("__vertx.subs").setBackupCount(1)
      .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    config.addMapConfig(new MapConfig("__vertx.haInfo").setBackupCount(1));
    config.addMapConfig(new MapConfig("__vertx.nodeInfo").setBackupCount(1));
    return config;
  }

  /** Members with another secret form another cluster: the name is derived from the secret, never the secret. */
  static String clusterName(String secret) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(("package-repository cluster\n" + secret)
        .getBytes(StandardCharsets.UTF_8));
      return "package-repository-" + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
