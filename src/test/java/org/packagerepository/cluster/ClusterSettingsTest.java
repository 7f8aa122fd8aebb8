package org.packagerepository.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.packagerepository.RepositoryConfig;
import org.packagerepository.config.ConfigException;
import org.packagerepository.config.EnvironmentOverrides;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** config.cluster, its environment variables, and the Hazelcast member it makes. */
class ClusterSettingsTest {

  private static final String SECRET = "0123456789abcdef-secret";

  private static JsonObject cluster() {
    return new JsonObject().put("members", new JsonArray().add("10.0.0.1:5701").add("10.0.0.2:5701").add("10.0.0.3"))
      .put("bind", "10.0.0.1:5701").put("public_url", "http://10.0.0.1:8888/").put("secret", SECRET);
  }

  private static ClusterSettings parse(JsonObject cluster) {
    return ClusterSettings.fromJson(new JsonObject().put("cluster", cluster));
  }

  @Test
  void withoutAClusterGroupThereIsNoCluster() {
    assertNull(ClusterSettings.fromJson(new JsonObject()));
    assertNull(RepositoryConfig.from(new JsonObject()).cluster());
  }

  @Test
  void theSpecsExampleIsReadAsWritten() {
    ClusterSettings settings = parse(cluster());

    assertEquals(List.of("10.0.0.1:5701", "10.0.0.2:5701", "10.0.0.3:5701"), settings.members());
    assertEquals("10.0.0.1", settings.bindHost());
    assertEquals(5701, settings.bindPort());
    assertEquals(5702, settings.busPort(), "the event bus next to the membership port by default");
    assertEquals(URI.create("http://10.0.0.1:8888"), settings.publicUrl());
    assertEquals(SECRET, settings.secret());
    assertNull(settings.kubernetesService());
  }

  @Test
  void theEnvironmentSetsTheClusterAsTheFileDoes() {
    JsonObject json = EnvironmentOverrides.from(Map.of("PR_CLUSTER_MEMBERS", "10.0.0.1:5701, 10.0.0.2:5701",
      "PR_CLUSTER_BIND", "10.0.0.2:5701", "PR_CLUSTER_PUBLIC_URL", "http://10.0.0.2:8888",
      "PR_CLUSTER_SECRET", SECRET, "PR_CLUSTER_BUS_PORT", "15702"), RepositoryConfig.environmentVariables());

    ClusterSettings settings = RepositoryConfig.from(json).cluster();

    assertEquals(List.of("10.0.0.1:5701", "10.0.0.2:5701"), settings.members());
    assertEquals("10.0.0.2", settings.bindHost());
    assertEquals(15702, settings.busPort());
    assertEquals(URI.create("http://10.0.0.2:8888"), settings.publicUrl());
  }

  @Test
  void kubernetesDiscoveryThroughAHeadlessServiceInsteadOfMembers() {
    ClusterSettings settings = parse(cluster().put("members", new JsonArray())
      .put("kubernetes_service", "package-repository.deploys.svc.cluster.local"));

    JoinConfig join = HazelcastSetup.config(settings).getNetworkConfig().getJoin();

    assertTrue(join.getKubernetesConfig().isEnabled());
    assertEquals("package-repository.deploys.svc.cluster.local", join.getKubernetesConfig().getProperty("service-dns"));
    assertFalse(join.getTcpIpConfig().isEnabled());
    assertFalse(join.getMulticastConfig().isEnabled());
  }

  @Test
  void theMemberJoinsOnlyByItsListNeverPhonesHomeAndLogsThroughOurs() {
    Config config = HazelcastSetup.config(parse(cluster()));
    JoinConfig join = config.getNetworkConfig().getJoin();

    assertTrue(join.getTcpIpConfig().isEnabled());
    assertEquals(List.of("10.0.0.1:5701", "10.0.0.2:5701", "10.0.0.3:5701"), join.getTcpIpConfig().getMembers());
    assertFalse(join.getMulticastConfig().isEnabled(), "no multicast");
    assertFalse(join.getAutoDetectionConfig().isEnabled(), "no discovery beyond the list");
    assertFalse(join.getKubernetesConfig().isEnabled());
    assertEquals("false", config.getProperty("hazelcast.phone.home.enabled"), "no phone-home");
    assertEquals("jdk", config.getProperty("hazelcast.logging.type"), "its log through java.util.logging");
    assertEquals(5701, config.getNetworkConfig().getPort());
    assertFalse(config.getNetworkConfig().isPortAutoIncrement());
    assertEquals("10.0.0.1", config.getProperty("hazelcast.local.localAddress"));
    assertTrue(Integer.parseInt(config.getProperty("hazelcast.max.no.heartbeat.seconds")) < 10,
      "a dead member is noticed within 10 s");
  }

  @Test
  void onlyMembersWithTheSameSecretFormOneClusterAndTheNameDoesNotGiveItAway() {
    String name = HazelcastSetup.config(parse(cluster())).getClusterName();

    assertEquals(name, HazelcastSetup.config(parse(cluster().put("bind", "10.0.0.2:5701"))).getClusterName());
    assertNotEquals(name, HazelcastSetup.config(parse(cluster().put("secret", SECRET + "x"))).getClusterName());
    assertFalse(name.contains(SECRET));
  }

  @ParameterizedTest(name = "{0} is refused with a message naming it")
  @ValueSource(strings = {"members", "public_url", "secret", "bind", "bus_port"})
  void aBadValueStopsTheStartNamingIt(String key) {
    JsonObject bad = cluster();
    switch (key) {
      case "members" -> bad.put("members", new JsonArray().add("10.0.0.1:notaport"));
      case "public_url" -> bad.put("public_url", "10.0.0.1:8888");
      case "secret" -> bad.put("secret", "short");
      case "bind" -> bad.put("bind", ":5701");
      default -> bad.put("bus_port", 70000);
    }

    ConfigException e = assertThrows(ConfigException.class, () -> parse(bad));

    assertTrue(e.getMessage().contains("config.cluster." + key), e.getMessage());
  }

  @Test
  void membersAndKubernetesTogetherOrNeitherIsRefused() {
    assertThrows(ConfigException.class, () -> parse(cluster().put("kubernetes_service", "pr.svc")));
    assertThrows(ConfigException.class, () -> parse(cluster().put("members", new JsonArray())));
  }

  @Test
  void aChangeEventSignedWithAnotherSecretIsNotTakenForOne() {
    ClusterAuth auth = new ClusterAuth(SECRET);
    String body = "{\"file\":\"app-1.0.0.tar.gz\"}";

    assertTrue(auth.verify(body, auth.sign(body)));
    assertFalse(auth.verify(body, new ClusterAuth(SECRET + "x").sign(body)));
    assertFalse(auth.verify(body.replace("app", "evil"), auth.sign(body)));
    assertFalse(auth.verify(body, null));
  }
}
