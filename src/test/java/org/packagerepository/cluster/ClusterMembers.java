package org.packagerepository.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.packagerepository.ServerProcess;
import org.packagerepository.http.Eventually;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cluster of members for a test: each a server in a JVM of its own ({@link ServerProcess}) on 127.0.0.1, over the
 * storage that a backend section names, joined through an explicit member list (no multicast), with a secret of the
 * test's own. Closing it kills what is still running.
 */
public final class ClusterMembers implements AutoCloseable {

  private static final Random RANDOM = new Random();
  /** Ports handed out in this JVM: never twice, whatever the timing of the members that use them. */
  private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

  /** A member's JVM: small, as a deploy fleet's repositories are not. */
  private static final String[] JVM = {"-Xmx256m"};

  private final Path dir;
  private final IntFunction<JsonObject> backend;
  private final String secret = "cluster-test-secret-" + System.nanoTime();
  private final List<Member> members = new ArrayList<>();
  /** Further values of every member's {@code config} section. */
  private JsonObject settings = new JsonObject();

  /** A member: its ports, fixed before it starts (the others must know them), and its process while it runs. */
  public static final class Member {
    final int httpPort;
    final int clusterPort;
    final int busPort;
    ServerProcess process;

    Member(int httpPort, int clusterPort, int busPort) {
      this.httpPort = httpPort;
      this.clusterPort = clusterPort;
      this.busPort = busPort;
    }

    public int port() {
      return httpPort;
    }

    public ServerProcess process() {
      return process;
    }
  }

  /**
   * @param dir     where the members' configuration files go
   * @param backend the pr-config.json part of the shared storage for member i, e.g. {@code {"FsRepository": {...}}}
   *                (the same store for each, and a cache of each member's own)
   */
  public ClusterMembers(Path dir, IntFunction<JsonObject> backend, int count) throws IOException {
    this.dir = dir;
    this.backend = backend;
    for (int i = 0; i < count; i++) {
      members.add(new Member(freePort(), freePort(), freePort()));
    }
  }

  /** Gives every member these further values of its {@code config} section (before it starts). */
  public ClusterMembers withSettings(JsonObject settings) {
    this.settings = settings.copy();
    return this;
  }

  public Member get(int index) {
    return members.get(index);
  }

  public List<Member> all() {
    return List.copyOf(members);
  }

  /** Starts every member, and waits until each sees all of them. */
  public ClusterMembers start() throws Throwable {
    for (int i = 0; i < members.size(); i++) {
      start(i);
    }
    awaitSize(members, members.size());
    return this;
  }

  /** Starts member {@code index} (again). */
  public Member start(int index) throws IOException {
    Member member = members.get(index);
    Path config = dir.resolve("member-" + index + ".json");
    JsonArray addresses = new JsonArray();
    members.forEach(m -> addresses.add("127.0.0.1:" + m.clusterPort));
    JsonObject json = backend.apply(index).copy().put("config", settings.copy()
      .put("port", member.httpPort).put("host", "127.0.0.1")
      .put("cluster", new JsonObject()
        .put("members", addresses)
        .put("bind", "127.0.0.1:" + member.clusterPort)
        .put("bus_port", member.busPort)
        .put("public_url", "http://127.0.0.1:" + member.httpPort)
        .put("secret", secret)));
    Files.writeString(config, json.encodePrettily());
    member.process = ServerProcess.start(null, Map.of(), config, JVM);
    return member;
  }

  /** Waits until each of {@code which} has said that the cluster has {@code size} members. */
  public static void awaitSize(List<Member> which, int size) throws Throwable {
    awaitSize(which, size, Duration.ofSeconds(60));
  }

  /**
   * Waits at most {@code limit} until each of {@code which} has said, in its latest word on the membership, that the
   * cluster has {@code size} members.
   */
  public static void awaitSize(List<Member> which, int size, Duration limit) throws Throwable {
    Eventually.within(limit, () -> {
      for (Member member : which) {
        String latest = member.process.output().stream().filter(line -> line.contains("Members {size:"))
          .reduce((first, second) -> second).orElse("");
        assertTrue(latest.contains("Members {size:" + size + ","), "member on port " + member.httpPort + " sees "
          + size + " members: " + latest);
      }
    });
  }

  @Override
  public void close() throws Exception {
    for (Member member : members) {
      if (member.process != null) {
        member.process.handle().destroyForcibly();
      }
    }
    for (Member member : members) {
      if (member.process != null) {
        member.process.close();
      }
    }
  }

  /**
   * A free port below the range the kernel hands out for port 0 and for outgoing connections (32768 and up on Linux):
   * the ports of all members are chosen before the first starts, and a port from that range could be taken meanwhile
   * by a connection one member opens to another (seen: a member's event-bus port, "Address already in use").
   */
  private static int freePort() throws IOException {
    for (int tries = 0; tries < 1000; tries++) {
      int port = 20_000 + RANDOM.nextInt(12_000);
      if (!GIVEN.add(port)) {
        continue;
      }
      try (ServerSocket socket = new ServerSocket()) {
        socket.bind(new InetSocketAddress("127.0.0.1", port));
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("No free port between 20000 and 32000");
  }
}
