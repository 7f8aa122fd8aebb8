package org.packagerepository.storage.swift;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real one-node OpenStack Swift with tempauth on 127.0.0.1, started for a test class by
 * {@code src/test/swift/swift-node.sh} from Debian's packages. Where they are not installed the tests that need it
 * are skipped with a message saying how to get them, unless {@code PR_REQUIRE_ALL_BACKENDS=true} (as in CI), which
 * makes that a failure.
 */
public final class SwiftTestNode implements AutoCloseable {

  static final String INSTALL = "apt-get install swift-proxy swift-account swift-container swift-object memcached";
  private static final Path SCRIPT = Path.of("src", "test", "swift", "swift-node.sh");

  private final Path dir;
  private final Map<String, String> values;

  private SwiftTestNode(Path dir, Map<String, String> values) {
    this.dir = dir;
    this.values = values;
  }

  /** Starts a node in a new directory; skips (or fails, in CI) when Swift is not installed. */
  public static SwiftTestNode start() throws Exception {
    return start(false);
  }

  /**
   * Starts a node whose proxy authenticates with a real Keystone started with it (see the script); skips (or fails, in
   * CI) when Swift or Keystone is not installed.
   */
  public static SwiftTestNode startWithKeystone() throws Exception {
    return start(true);
  }

  private static SwiftTestNode start(boolean keystone) throws Exception {
    requireInstalled("OpenStack Swift", INSTALL, "/usr/bin/swift-proxy-server", "/usr/bin/memcached");
    if (keystone) {
      requireInstalled("OpenStack Keystone", "apt-get install keystone python3-keystonemiddleware",
        "/usr/bin/keystone-manage", "/usr/bin/keystone-wsgi-public");
    }
    // The servers may run as user swift: the directory must be reachable by it.
    Path dir = Files.createTempDirectory("pr-swift-",
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    Path log = dir.resolve("start.out");
    ProcessBuilder builder = new ProcessBuilder("bash", SCRIPT.toAbsolutePath().toString(), "start",
      dir.resolve("node").toString()).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("SWIFT_KEYSTONE", keystone ? "1" : "0");
    Process start = builder.start();
    if (!start.waitFor(180, TimeUnit.SECONDS) || start.exitValue() != 0) {
      start.destroyForcibly();
      String output = Files.readString(log, StandardCharsets.UTF_8);
      stop(dir);
      throw new IllegalStateException("Swift did not start:\n" + output);
    }
    Map<String, String> values = new HashMap<>();
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      int eq = line.indexOf('=');
      if (line.startsWith("SWIFT_") && eq > 0) {
        values.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return new SwiftTestNode(dir, values);
  }

  private static void requireInstalled(String what, String install, String... executables) {
    for (String executable : executables) {
      if (!Files.isExecutable(Path.of(executable))) {
        String message = what + " is not installed: " + install;
        if ("true".equals(System.getenv("PR_REQUIRE_ALL_BACKENDS"))) {
          throw new AssertionError(message + " (PR_REQUIRE_ALL_BACKENDS=true: a missing backend server is a failure)");
        }
        Assumptions.abort(message);
      }
    }
  }

  /** Keystone's v3 URL, {@code http://127.0.0.1:<port>/v3}, on a node started with Keystone. */
  public String keystoneUrl() {
    return values.get("SWIFT_KEYSTONE_URL");
  }

  public String keystoneAdminPassword() {
    return values.get("SWIFT_KEYSTONE_ADMIN_PASSWORD");
  }

  /** The v1 (tempauth) authentication URL, {@code http://127.0.0.1:<port>/auth/v1.0}. */
  public String authUrl() {
    return values.get("SWIFT_AUTH_URL");
  }

  /** {@code test:tester}: account {@code test}, user {@code tester}. */
  public String user() {
    return values.get("SWIFT_USER");
  }

  public String key() {
    return values.get("SWIFT_KEY");
  }

  public int proxyPort() {
    return Integer.parseInt(values.get("SWIFT_PROXY_PORT"));
  }

  /**
   * Revokes every token the node has handed out, as an operator revoking tokens would: tempauth keeps them in
   * memcached, which is flushed. The next request with an old token gets 401.
   */
  public void revokeTokens() throws IOException {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", Integer.parseInt(values.get("SWIFT_MEMCACHE_PORT")))) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write("flush_all\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] answer = new byte[4];
      int read = socket.getInputStream().readNBytes(answer, 0, 4);
      if (read != 4 || !new String(answer, StandardCharsets.US_ASCII).equals("OK\r\n")) {
        throw new IOException("memcached did not flush: " + new String(answer, 0, read, StandardCharsets.US_ASCII));
      }
    }
  }

  @Override
  public void close() throws Exception {
    stop(dir);
  }

  private static void stop(Path dir) throws IOException, InterruptedException {
    Process stop = new ProcessBuilder("bash", SCRIPT.toAbsolutePath().toString(), "stop", dir.resolve("node").toString())
      .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    stop.waitFor(30, TimeUnit.SECONDS);
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
