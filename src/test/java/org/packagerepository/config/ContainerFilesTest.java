package org.packagerepository.config;

import org.junit.jupiter.api.Test;
import org.packagerepository.RepositoryConfig;
import org.packagerepository.cluster.ClusterSettings;
import org.packagerepository.storage.cache.CacheSettings;
import org.packagerepository.storage.fs.FsSettings;
import org.packagerepository.storage.s3.S3Settings;
import org.packagerepository.storage.swift.SwiftSettings;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker-compose.yml and the Dockerfile cannot be run here (no Docker engine), so what they say about the server is
 * held to the server: the environment compose gives it, and the alternative its comment shows, are configurations
 * the server accepts, for the store compose starts; the image runs the jar Maven builds, where its defaults expect;
 * the three members of the "cluster" profile form one cluster, and the load balancer in front of them streams.
 */
class ContainerFilesTest {

  private static final Path COMPOSE = Path.of("docker-compose.yml");
  private static final Path DOCKERFILE = Path.of("src", "main", "docker", "Dockerfile");
  private static final Pattern COMMENTED_VARIABLE = Pattern.compile("^#\\s+((?:PR|OS)_[A-Z0-9_]+): (\\S+)\\s*$");
  private static final Pattern SERVICE = Pattern.compile("^  ([a-z0-9][a-z0-9_.-]*):\\s*$");
  /** Compose's interpolation with a default, the only kind the file uses: it runs without any variable set. */
  private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([A-Z_][A-Z0-9_]*):-([^}]*)}");
  private static final String CLUSTER_PROFILE = "[cluster]";
  private static final String NGINX_CONF_D = "/etc/nginx/conf.d/default.conf";

  /** The services of docker-compose.yml, each with the lines of its block (keys at four spaces, values below). */
  private static Map<String, List<String>> services() throws IOException {
    Map<String, List<String>> services = new LinkedHashMap<>();
    List<String> current = null;
    boolean inServices = false;
    for (String line : Files.readAllLines(COMPOSE)) {
      if (line.isBlank() || line.trim().startsWith("#")) {
        continue;
      }
      if (!line.startsWith(" ")) {
        inServices = line.equals("services:");
        current = null;
        continue;
      }
      Matcher service = SERVICE.matcher(line);
      if (inServices && service.matches()) {
        current = new ArrayList<>();
        services.put(service.group(1), current);
      } else if (current != null) {
        current.add(line);
      }
    }
    return services;
  }

  /** The lines under {@code key} of a service's block, without their indentation. */
  private static List<String> under(List<String> service, String key) {
    List<String> found = new ArrayList<>();
    boolean in = false;
    for (String line : service) {
      if (line.startsWith("    ") && !line.startsWith("     ")) {
        in = line.equals("    " + key + ":");
      } else if (in) {
        found.add(line.trim());
      }
    }
    return found;
  }

  /** The value of a key of a service written on its line ({@code profiles: [cluster]}), or null. */
  private static String value(List<String> service, String key) {
    return service.stream().filter(l -> l.startsWith("    " + key + ": "))
      .map(l -> l.substring(key.length() + 6).trim()).findFirst().orElse(null);
  }

  /** The items of a list under a key ({@code volumes:}, {@code ports:}), quotes taken off. */
  private static List<String> items(List<String> service, String key) {
    return under(service, key).stream().filter(l -> l.startsWith("- "))
      .map(l -> l.substring(2).trim().replaceAll("^\"|\"$", "")).toList();
  }

  /** The services a service depends on, each with its condition. */
  private static Map<String, String> dependsOn(List<String> service) {
    Map<String, String> dependencies = new LinkedHashMap<>();
    String name = null;
    for (String line : under(service, "depends_on")) {
      if (line.endsWith(":")) {
        name = line.substring(0, line.length() - 1);
        dependencies.put(name, "");
      } else if (name != null && line.startsWith("condition: ")) {
        dependencies.put(name, line.substring("condition: ".length()));
      }
    }
    return dependencies;
  }

  /** A service's environment as compose writes it (before interpolation). */
  private static Map<String, String> rawEnvironment(List<String> service) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : under(service, "environment")) {
      int colon = line.indexOf(": ");
      env.put(line.substring(0, colon), line.substring(colon + 2).trim());
    }
    return env;
  }

  /** A service's environment as the server sees it when compose runs without any variable set. */
  private static Map<String, String> environment(List<String> service) {
    Map<String, String> env = new LinkedHashMap<>();
    rawEnvironment(service).forEach((name, value) -> {
      String resolved = INTERPOLATION.matcher(value).replaceAll(m -> Matcher.quoteReplacement(m.group(2)));
      assertFalse(resolved.contains("$"), name + ": " + value + " needs a variable set; give it a default");
      env.put(name, resolved);
    });
    return env;
  }

  /** The environment for Swift that the comment at the top of docker-compose.yml shows. */
  private static Map<String, String> swiftEnvironmentFromComment() throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : Files.readAllLines(COMPOSE)) {
      if (line.equals("services:")) {
        break;
      }
      Matcher m = COMMENTED_VARIABLE.matcher(line);
      if (m.matches()) {
        env.put(m.group(1), m.group(2));
      }
    }
    return env;
  }

  /** The configuration a service's environment gives the server, which it must accept. */
  private static RepositoryConfig configuration(String name, Map<String, String> env) {
    assertTrue(RepositoryConfig.environmentVariables().keySet().containsAll(env.keySet()),
      name + " has a variable the server does not read: " + env.keySet());
    return RepositoryConfig.from(EnvironmentOverrides.from(env, RepositoryConfig.environmentVariables()));
  }

  /** The buckets that the minio-bucket service makes before the repository starts. */
  private static Set<String> bucketsMadeAtStart() throws IOException {
    Matcher mb = Pattern.compile("mc mb --ignore-existing((?: local/[a-z0-9.-]+)+)").matcher(compose());
    assertTrue(mb.find(), "minio-bucket makes the buckets");
    Set<String> buckets = new HashSet<>();
    for (String target : mb.group(1).trim().split(" ")) {
      buckets.add(target.substring("local/".length()));
    }
    return buckets;
  }

  /** The repository's configuration is for the MinIO compose starts, and MinIO has its bucket made. */
  private static void assertForTheMinioComposeStarts(RepositoryConfig config) throws IOException {
    assertEquals("S3Repository", config.backendSectionName());
    S3Settings s3 = S3Settings.fromJson(config.backendSection());
    assertEquals(URI.create("http://minio:9000"), s3.endpoint());
    assertTrue(s3.pathStyle(), "MinIO needs path-style requests");
    String compose = compose();
    assertTrue(compose.contains("MINIO_ROOT_USER: " + s3.accessKey()), "MinIO's user is the repository's key");
    assertTrue(compose.contains("MINIO_ROOT_PASSWORD: " + s3.secretKey()), "and its password the secret");
    assertTrue(bucketsMadeAtStart().contains(s3.bucket()), "the bucket " + s3.bucket() + " is made at start");
    assertTrue(compose.contains("mc alias set local http://minio:9000 " + s3.accessKey() + " " + s3.secretKey()));
  }

  private static String compose() throws IOException {
    return Files.readString(COMPOSE);
  }

  @Test
  void composeConfiguresTheRepositoryForTheMinioItStarts() throws IOException {
    List<String> repository = services().get("package-repository");
    assertNull(value(repository, "profiles"), "the repository starts with a plain `docker compose up`");
    assertForTheMinioComposeStarts(configuration("package-repository", environment(repository)));
  }

  @Test
  void theSwiftAlternativeInTheCommentIsAConfigurationForTheSwiftItStarts() throws IOException {
    RepositoryConfig config = configuration("the comment", swiftEnvironmentFromComment());
    assertEquals("SwiftRepository", config.backendSectionName());
    SwiftSettings swift = SwiftSettings.fromJson(config.backendSection());
    assertEquals(1, swift.authVersion(), "the all-in-one speaks TempAuth (v1)");
    assertEquals("test:tester", swift.v1User());
    assertEquals("testing", swift.key());
    assertTrue(swift.authUrl().startsWith("http://swift:8080/"), swift.authUrl());
    assertTrue(compose().contains("  swift:\n    image: openstackswift/saio"));
  }

  @Test
  void theImageRunsTheJarMavenBuildsWithTheServersDefaults() throws IOException {
    List<String> lines = Files.readAllLines(DOCKERFILE);
    String dockerfile = String.join("\n", lines);
    String pom = Files.readString(Path.of("pom.xml"));
    Matcher finalName = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(pom);
    assertTrue(finalName.find());
    String jar = finalName.group(1) + ".jar";
    assertTrue(dockerfile.contains("COPY --from=build /build/target/" + jar + " /opt/package-repository/" + jar));
    assertTrue(dockerfile.contains("ENTRYPOINT [\"java\", \"-jar\", \"/opt/package-repository/" + jar + "\"]"));

    String workdir = last(lines, "WORKDIR");
    String volume = last(lines, "VOLUME");
    assertTrue((workdir + "/" + FsSettings.DEFAULT_PATH).startsWith(volume + "/"),
      "the packages (" + FsSettings.DEFAULT_PATH + " in " + workdir + ") are on the volume " + volume);
    assertTrue(dockerfile.contains("mkdir -p " + workdir + "/" + FsSettings.DEFAULT_PATH + " " + workdir + "/conf"));
    assertEquals(String.valueOf(RepositoryConfig.DEFAULT_PORT), last(lines, "EXPOSE"));
    assertTrue(dockerfile.contains("${PR_PORT:-" + RepositoryConfig.DEFAULT_PORT + "}/health/live"));
    assertTrue(dockerfile.contains("USER repository"), "not root");
    assertEquals(List.of("repository-data:" + volume), items(services().get("package-repository"), "volumes"),
      "compose keeps the volume");
  }

  /** The members of the cluster profile: the services in it that run the repository's image. */
  private static Map<String, List<String>> members() throws IOException {
    Map<String, List<String>> members = new LinkedHashMap<>();
    services().forEach((name, service) -> {
      if (CLUSTER_PROFILE.equals(value(service, "profiles"))
        && "package-repository:latest".equals(value(service, "image"))) {
        members.put(name, service);
      }
    });
    return members;
  }

  @Test
  void theClusterProfileStartsThreeMembersOfOneClusterOverTheMinioItStarts() throws IOException {
    Map<String, List<String>> members = members();
    assertEquals(3, members.size(), members.keySet().toString());
    List<String> dockerfile = Files.readAllLines(DOCKERFILE);
    String workdir = last(dockerfile, "WORKDIR");
    String dataVolume = last(dockerfile, "VOLUME");
    Set<String> topLevelVolumes = topLevelVolumes();

    Map<String, ClusterSettings> clusters = new LinkedHashMap<>();
    Set<String> rawSecrets = new HashSet<>();
    Set<String> volumes = new HashSet<>();
    Set<String> buckets = new HashSet<>();
    for (Map.Entry<String, List<String>> member : members.entrySet()) {
      String name = member.getKey();
      List<String> service = member.getValue();
      assertEquals("src/main/docker/Dockerfile", under(service, "build").stream()
        .filter(l -> l.startsWith("dockerfile: ")).findFirst().orElse("").substring("dockerfile: ".length()));
      assertEquals("service_completed_successfully", dependsOn(service).get("minio-bucket"),
        name + " starts once its bucket is made");

      RepositoryConfig config = configuration(name, environment(service));
      assertForTheMinioComposeStarts(config);
      buckets.add(S3Settings.fromJson(config.backendSection()).bucket());
      ClusterSettings cluster = config.cluster();
      assertNotNull(cluster, name + " is configured as a member");
      assertNull(cluster.kubernetesService());
      assertEquals(name, cluster.bindHost(), name + " binds to its own service name, which the others resolve");
      assertEquals(URI.create("http://" + name + ":" + config.port()), cluster.publicUrl(),
        name + "'s HTTP API, where the others read from it");
      assertEquals(3, new HashSet<>(List.of(cluster.bindPort(), cluster.busPort(), config.port())).size(),
        name + "'s ports differ");
      clusters.put(name, cluster);
      rawSecrets.add(rawEnvironment(service).get("PR_CLUSTER_SECRET"));

      List<String> mounts = items(service, "volumes");
      assertEquals(1, mounts.size(), mounts.toString());
      String volume = mounts.get(0).substring(0, mounts.get(0).indexOf(':'));
      assertEquals(volume + ":" + dataVolume, mounts.get(0), name + " keeps its data on the image's volume");
      assertTrue(topLevelVolumes.contains(volume), volume + " is declared");
      assertTrue(volumes.add(volume) && !volume.equals("repository-data"), volume + " is " + name + "'s own");
      CacheSettings cache = CacheSettings.fromJson(config.backendSection(), config.backendSectionName(),
        config.backend());
      assertTrue(cache.enabled());
      assertTrue((workdir + "/" + cache.path()).startsWith(dataVolume + "/"),
        name + "'s cache (" + cache.path() + " in " + workdir + ") is on its own volume");
    }

    Set<String> addresses = new HashSet<>();
    clusters.forEach((name, cluster) -> addresses.add(name + ":" + cluster.bindPort()));
    for (ClusterSettings cluster : clusters.values()) {
      assertEquals(addresses, Set.copyOf(cluster.members()), "every member names the three by their service names");
    }
    assertEquals(1, clusters.values().stream().map(ClusterSettings::secret).distinct().count(), "one secret");
    assertEquals(1, rawSecrets.size(), "from one variable: " + rawSecrets);
    assertTrue(rawSecrets.iterator().next().startsWith("${PR_CLUSTER_SECRET:-"), "which can be set: " + rawSecrets);
    assertEquals(1, buckets.size(), "one store");
    assertFalse(buckets.contains(S3Settings.fromJson(configuration("package-repository",
      environment(services().get("package-repository"))).backendSection()).bucket()),
      "the repository outside the cluster keeps its packages elsewhere, never beside the members'");
  }

  @Test
  void theLoadBalancerStreamsRoundRobinToTheThreeMembers() throws IOException {
    List<String> balancer = services().get("load-balancer");
    assertNotNull(balancer);
    assertEquals(CLUSTER_PROFILE, value(balancer, "profiles"));
    assertTrue(value(balancer, "image").startsWith("nginx:"), "nginx's official image");
    String mount = items(balancer, "volumes").stream().filter(v -> v.contains(":" + NGINX_CONF_D))
      .findFirst().orElseThrow(() -> new AssertionError("the configuration is mounted at " + NGINX_CONF_D));
    assertTrue(mount.startsWith("./src/main/docker/"), mount);
    String conf = Files.readString(Path.of(mount.substring(2, mount.indexOf(':'))))
      .replaceAll("(?m)#.*$", "").replaceAll("\\s+", " ");

    Matcher upstream = Pattern.compile("upstream (\\w+) \\{([^}]*)}").matcher(conf);
    assertTrue(upstream.find(), "an upstream");
    assertTrue(conf.contains("proxy_pass http://" + upstream.group(1) + ";"), "requests go to it");
    List<String> servers = new ArrayList<>();
    Matcher server = Pattern.compile("server ([^ ;]+) ?;").matcher(upstream.group(2));
    while (server.find()) {
      servers.add(server.group(1));
    }
    assertFalse(upstream.group(2).matches(".*\\b(least_conn|ip_hash|hash|random)\\b.*"), "round robin");
    List<String> members = new ArrayList<>();
    for (Map.Entry<String, List<String>> member : members().entrySet()) {
      members.add(member.getKey() + ":" + configuration(member.getKey(), environment(member.getValue())).port());
    }
    assertEquals(members, servers, "the three members' HTTP ports");
    assertEquals(members.size(), dependsOn(balancer).size());
    members().keySet().forEach(m -> assertEquals("service_healthy", dependsOn(balancer).get(m), m));

    // Uploads and downloads stream through it: no size limit, no buffering of either body, HTTP/1.1 to the members
    // (with HTTP/1.0 nginx buffers a chunked upload whatever proxy_request_buffering says).
    for (String directive : List.of("client_max_body_size 0;", "proxy_request_buffering off;",
      "proxy_buffering off;", "proxy_http_version 1.1;")) {
      assertTrue(conf.contains(" " + directive), directive);
      String name = directive.substring(0, directive.indexOf(' '));
      assertEquals(1, conf.split(" " + name + " ", -1).length - 1, name + " is set once");
    }
    // The repository decides when a transfer has stalled (config.idle_timeout), not nginx.
    for (String timeout : List.of("proxy_read_timeout", "proxy_send_timeout", "client_body_timeout",
      "send_timeout")) {
      Matcher m = Pattern.compile(" " + timeout + " (\\d+)([smh]?);").matcher(conf);
      assertTrue(m.find(), timeout + " is set");
      long seconds = Long.parseLong(m.group(1)) * switch (m.group(2)) {
        case "m" -> 60;
        case "h" -> 3600;
        default -> 1;
      };
      assertTrue(seconds > RepositoryConfig.DEFAULT_IDLE_TIMEOUT_SECONDS, timeout + " is " + seconds + " s");
    }
    Matcher listen = Pattern.compile(" listen (\\d+);").matcher(conf);
    assertTrue(listen.find());
    List<String> ports = items(balancer, "ports");
    assertEquals(1, ports.size());
    assertTrue(ports.get(0).endsWith(":" + listen.group(1)), "the published port is the one nginx listens on");
  }

  /** The named volumes declared at the top level of docker-compose.yml. */
  private static Set<String> topLevelVolumes() throws IOException {
    Set<String> volumes = new HashSet<>();
    boolean in = false;
    for (String line : Files.readAllLines(COMPOSE)) {
      if (!line.startsWith(" ") && !line.isBlank()) {
        in = line.equals("volumes:");
      } else if (in && line.matches("^  [a-z0-9][a-z0-9_.-]*:\\s*$")) {
        volumes.add(line.trim().replace(":", ""));
      }
    }
    return volumes;
  }

  /** The argument of the last {@code instruction}: the one of the image's final stage. */
  private static String last(List<String> lines, String instruction) {
    List<String> found = lines.stream().filter(l -> l.startsWith(instruction + " ")).toList();
    return found.get(found.size() - 1).substring(instruction.length() + 1).trim();
  }
}
