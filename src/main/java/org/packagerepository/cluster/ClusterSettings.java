package org.packagerepository.cluster;

import io.vertx.core.json.JsonObject;
import org.packagerepository.config.ConfigException;
import org.packagerepository.config.Settings;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code config.cluster}: several instances over one store act as one repository. Null (no such group) means one
 * instance: no cluster code or thread runs.
 *
 * @param members           the members' cluster addresses ({@code host:port}), this one's among them; empty with
 *                          Kubernetes discovery
 * @param kubernetesService the DNS name of a headless service whose addresses are the members, or null
 * @param bindHost          the address this member's cluster traffic uses (null: the one Hazelcast picks)
 * @param bindPort          the port of this member's membership and lock traffic (Hazelcast), default
 *                          {@value #DEFAULT_PORT}
 * @param busPort           the port of this member's change events (Vert.x's clustered event bus), default the
 *                          membership port + 1
 * @param publicUrl         where the other members reach this member's HTTP API, e.g. {@code http://10.0.0.1:8888}
 * @param secret            carried by all traffic between members; a request without it is refused
 */
public record ClusterSettings(List<String> members, String kubernetesService, String bindHost, int bindPort,
                              int busPort, URI publicUrl, String secret) {

  public static final int DEFAULT_PORT = 5701;
  /** Short secrets are guessed: at least this many characters. */
  public static final int MIN_SECRET_LENGTH = 16;

  /** The settings in the {@code config} section, or null when it has no {@code cluster} group. */
  public static ClusterSettings fromJson(JsonObject config) {
    Object value = config == null ? null : config.getValue("cluster");
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject cluster)) {
      throw new ConfigException("config.cluster must be a JSON object: {\"members\": [\"10.0.0.1:5701\", ...], "
        + "\"bind\": \"10.0.0.1:5701\", \"public_url\": \"http://10.0.0.1:8888\", \"secret\": \"...\"}");
    }
    List<String> members = members(cluster.getValue("members"));
    String kubernetes = Settings.string(cluster, "kubernetes_service", "").trim();
    if (members.isEmpty() == kubernetes.isEmpty()) {
      throw new ConfigException("config.cluster needs either members (\"host:port\" of each member, e.g. "
        + "[\"10.0.0.1:5701\", \"10.0.0.2:5701\"]) or kubernetes_service (a headless service's DNS name), not "
        + (members.isEmpty() ? "neither" : "both"));
    }
    String bindText = Settings.string(cluster, "bind", "");
    HostPort bind = bindText.isEmpty() ? new HostPort(null, DEFAULT_PORT)
      : HostPort.parse(bindText, "config.cluster.bind");
    long busPort = Settings.integer(cluster, "bus_port", bind.port() + 1, "config.cluster.bus_port", 1, 65535,
      "a port number from 1 to 65535");
    String publicUrl = Settings.string(cluster, "public_url", "").trim();
    if (Settings.httpUrl(publicUrl) == null) {
      throw new ConfigException("config.cluster.public_url is \"" + publicUrl + "\"; set it to where the other members "
        + "reach this one's HTTP API, e.g. http://10.0.0.1:8888");
    }
    String secret = Settings.string(cluster, "secret", "");
    if (secret.length() < MIN_SECRET_LENGTH) {
      throw new ConfigException("config.cluster.secret must be at least " + MIN_SECRET_LENGTH + " characters, the "
        + "same on every member (e.g. from: openssl rand -hex 32)");
    }
    return new ClusterSettings(members, kubernetes.isEmpty() ? null : kubernetes, bind.host(), bind.port(),
      (int) busPort, URI.create(publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl),
      secret);
  }

  /** A JSON array of {@code host:port}, or a comma-separated string of them (the environment's form). */
  private static List<String> members(Object value) {
    List<String> members = new ArrayList<>();
    for (String member : Settings.list(value, "config.cluster.members must be a list of \"host:port\"")) {
      HostPort hostPort = HostPort.parse(member, "config.cluster.members");
      members.add(hostPort.host() + ":" + hostPort.port());
    }
    return List.copyOf(members);
  }

  /** A {@code host:port}, or a host alone with the default port. */
  record HostPort(String host, int port) {

    static HostPort parse(String text, String setting) {
      int colon = text.lastIndexOf(':');
      String host = colon < 0 ? text : text.substring(0, colon);
      int port = DEFAULT_PORT;
      if (colon >= 0) {
        try {
          port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
          port = -1;
        }
      }
      if (host.isBlank() || host.contains("/") || port < 1 || port > 65535) {
        throw new ConfigException(setting + " has \"" + text + "\"; use host:port, e.g. 10.0.0.1:5701");
      }
      return new HostPort(host, port);
    }
  }
}
