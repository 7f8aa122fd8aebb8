package org.packagerepository;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.packagerepository.auth.AuthSettings;
import org.packagerepository.cluster.ClusterSettings;
import org.packagerepository.config.ConfigException;
import org.packagerepository.config.ConfigLoader;
import org.packagerepository.config.EnvironmentOverrides;
import org.packagerepository.config.Settings;
import org.packagerepository.storage.StorageBackend;
import org.packagerepository.storage.StorageBackends;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Typed view of {@code pr-config.json}: the original service's file (three backend sections, of which the unused ones
 * hold empty strings, and a {@code config} section), plus the server settings this implementation adds to the
 * {@code config} section. Parsed and checked once, when it is made; a value that cannot be used is a
 * {@link ConfigException} naming it. The backends of the build declare their own sections ({@link StorageBackend}):
 * which one is used is chosen here, its section is parsed by the backend when the server starts.
 */
public final class RepositoryConfig {

  public static final int DEFAULT_PORT = 8888;
  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final boolean DEFAULT_ALLOW_OVERWRITE = true;
  public static final String DEFAULT_LOG_LEVEL = "INFO";
  public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 120;
  public static final int DEFAULT_HEADER_TIMEOUT_SECONDS = 10;
  public static final int DEFAULT_SHUTDOWN_TIMEOUT_SECONDS = 30;

  /** Variables that override the {@code config} section; each backend declares those of its own section. */
  private static final Map<String, String> SERVER_VARIABLES;

  static {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("PR_PORT", "port");
    m.put("PR_HOST", "host");
    m.put("PR_BACKEND", "backend");
    m.put("PR_LOG_LEVEL", "log_level");
    m.put("PR_PACKAGE_CALLBACK", "package_callback");
    m.put("PR_ALLOW_OVERWRITE", "allow_overwrite");
    m.put("PR_MAX_STREAMING_UPLOADS", "max_streaming_uploads");
    m.put("PR_MAX_WAITING_UPLOADS", "max_waiting_uploads");
    m.put("PR_MAX_PACKAGE_SIZE", "max_package_size");
    m.put("PR_IDLE_TIMEOUT", "idle_timeout");
    m.put("PR_HEADER_TIMEOUT", "header_timeout");
    m.put("PR_SHUTDOWN_TIMEOUT", "shutdown_timeout");
    m.put("PR_BODY_TIMEOUT", "body_timeout");
    m.put("PR_CLUSTER_MEMBERS", "cluster.members");
    m.put("PR_CLUSTER_KUBERNETES_SERVICE", "cluster.kubernetes_service");
    m.put("PR_CLUSTER_BIND", "cluster.bind");
    m.put("PR_CLUSTER_BUS_PORT", "cluster.bus_port");
    m.put("PR_CLUSTER_PUBLIC_URL", "cluster.public_url");
    m.put("PR_CLUSTER_SECRET", "cluster.secret");
    SERVER_VARIABLES = Map.copyOf(m);
  }

  private final JsonObject json;
  private final StorageBackend<?> backend;
  private final JsonObject backendSection;
  private final int port;
  private final String host;
  private final boolean allowOverwrite;
  private final int maxStreamingUploads;
  private final int maxWaitingUploads;
  private final String logLevel;
  private final String packageCallback;
  private final long maxPackageSize;
  private final int idleTimeoutSeconds;
  private final int headerTimeoutSeconds;
  private final long bodyTimeoutSeconds;
  private final int shutdownTimeoutSeconds;
  private final String tlsCertPath;
  private final String tlsKeyPath;
  private final AuthSettings auth;
  private final ClusterSettings cluster;

  private RepositoryConfig(JsonObject json) {
    this.json = json;
    for (String section : sectionNames()) {
      Object value = json.getValue(section);
      if (value != null && !(value instanceof JsonObject)) {
        throw new ConfigException("\"" + section + "\" must be a JSON object");
      }
    }
    JsonObject server = json.getJsonObject("config", new JsonObject());
    this.backend = chooseBackend(json, Settings.string(server, "backend", ""));
    this.backendSection = json.getJsonObject(backend.section(), new JsonObject()).copy();
    this.port = (int) Settings.integer(server, "port", DEFAULT_PORT, "config.port", 0, 65535,
      "a port number between 0 and 65535");
    this.host = Settings.string(server, "host", DEFAULT_HOST);
    this.allowOverwrite = Settings.bool(server, "allow_overwrite", DEFAULT_ALLOW_OVERWRITE, "config.allow_overwrite");
    this.maxStreamingUploads = count(server, "max_streaming_uploads");
    this.maxWaitingUploads = count(server, "max_waiting_uploads");
    this.logLevel = Settings.string(server, "log_level", DEFAULT_LOG_LEVEL);
    this.packageCallback = callbackUrl(Settings.string(server, "package_callback", ""));
    this.maxPackageSize = orNoLimit(server, "max_package_size", "a size in bytes");
    this.idleTimeoutSeconds = seconds(server, "idle_timeout", DEFAULT_IDLE_TIMEOUT_SECONDS);
    this.headerTimeoutSeconds = seconds(server, "header_timeout", DEFAULT_HEADER_TIMEOUT_SECONDS);
    this.bodyTimeoutSeconds = orNoLimit(server, "body_timeout", "seconds");
    this.shutdownTimeoutSeconds = seconds(server, "shutdown_timeout", DEFAULT_SHUTDOWN_TIMEOUT_SECONDS);
    String[] tls = tls(server);
    this.tlsCertPath = tls[0];
    this.tlsKeyPath = tls[1];
    this.auth = AuthSettings.fromJson(server);
    this.cluster = ClusterSettings.fromJson(server);
  }

  /** Checks the merged configuration (file, then environment) and chooses the backend. */
  public static RepositoryConfig from(JsonObject json) {
    return new RepositoryConfig(json);
  }

  /**
   * Reads pr-config.json and the environment variables that override it.
   *
   * @param file the configuration file; when {@code required} is false and it does not exist, the built-in
   *             defaults apply (file system under data/packages, port 8888)
   */
  public static Future<RepositoryConfig> load(Vertx vertx, Path file, boolean required, Map<String, String> env) {
    return ConfigLoader.load(vertx, file, required, EnvironmentOverrides.from(env, environmentVariables()))
      .map(RepositoryConfig::from);
  }

  /** Every environment variable that overrides a value of pr-config.json, with the path of that value. */
  public static Map<String, String> environmentVariables() {
    Map<String, String> variables = new LinkedHashMap<>();
    SERVER_VARIABLES.forEach((variable, key) -> variables.put(variable, "config." + key));
    for (StorageBackend<?> backend : StorageBackends.all()) {
      backend.environment().forEach((variable, path) -> variables.put(variable, backend.section() + "." + path));
    }
    return variables;
  }

  private static List<String> sectionNames() {
    List<String> names = new ArrayList<>(List.of("config"));
    StorageBackends.all().forEach(backend -> names.add(backend.section()));
    return names;
  }

  private static StorageBackend<?> chooseBackend(JsonObject json, String declared) {
    List<StorageBackend<?>> backends = StorageBackends.all();
    if (!declared.isBlank()) {
      String name = declared.trim().toLowerCase(Locale.ROOT);
      return backends.stream().filter(b -> b.name().equals(name)).findFirst().orElseThrow(() ->
        new ConfigException("config.backend is \"" + declared + "\"; use one of "
          + String.join(", ", backends.stream().map(StorageBackend::name).toList())));
    }
    List<StorageBackend<?>> chosen = backends.stream()
      .filter(b -> b.isChosenBy(json.getJsonObject(b.section()))).toList();
    if (chosen.size() > 1) {
      throw new ConfigException("Several storage backends are configured ("
        + String.join(", ", chosen.stream().map(StorageBackend::section).toList())
        + "): leave the values of all but one empty, or choose one with config.backend");
    }
    if (chosen.isEmpty()) {
      return backends.stream().filter(StorageBackend::isDefault).findFirst()
        .orElseThrow(() -> new ConfigException("No storage backend is configured"));
    }
    return chosen.get(0);
  }

  /** The chosen backend. */
  public StorageBackend<?> storage() {
    return backend;
  }

  /** Short name of the chosen backend: fs, s3 or swift. */
  public String backend() {
    return backend.name();
  }

  /** Name of the chosen backend's section in pr-config.json. */
  public String backendSectionName() {
    return backend.section();
  }

  /** The chosen backend's section as written (the backend fills in its defaults when it parses it). */
  public JsonObject backendSection() {
    return backendSection.copy();
  }

  public int port() {
    return port;
  }

  public String host() {
    return host;
  }

  /** Whether a PUT may replace an existing package (the original's behaviour). */
  public boolean allowOverwrite() {
    return allowOverwrite;
  }

  /** How many uploads stream at once; 0 derives it from the heap. */
  public int maxStreamingUploads() {
    return maxStreamingUploads;
  }

  /** How many further uploads wait for a turn before the server answers 503; 0 derives it from the heap. */
  public int maxWaitingUploads() {
    return maxWaitingUploads;
  }

  public String logLevel() {
    return logLevel;
  }

  /** {@code config.max_package_size}: the largest package accepted, in bytes; 0 (the default) for no limit. */
  public long maxPackageSize() {
    return maxPackageSize;
  }

  /** {@code config.idle_timeout}: seconds without a byte either way after which a connection is closed. */
  public int idleTimeoutSeconds() {
    return idleTimeoutSeconds;
  }

  /** {@code config.body_timeout}: seconds an upload's body may take once it is read; 0 (the default) for no limit. */
  public long bodyTimeoutSeconds() {
    return bodyTimeoutSeconds;
  }

  /** {@code config.shutdown_timeout}: seconds that requests in flight get to finish once the server is told to stop. */
  public int shutdownTimeoutSeconds() {
    return shutdownTimeoutSeconds;
  }

  /** {@code config.header_timeout}: seconds a new connection has to send a whole request head. */
  public int headerTimeoutSeconds() {
    return headerTimeoutSeconds;
  }

  /**
   * {@code config.tls.cert}: a PEM certificate (chain) to serve HTTPS with, together with {@code config.tls.key};
   * null when both are empty (plain HTTP).
   */
  public String tlsCertPath() {
    return tlsCertPath;
  }

  /** {@code config.tls.key}: the PEM private key (PKCS#8 or PKCS#1) of {@link #tlsCertPath()}. */
  public String tlsKeyPath() {
    return tlsKeyPath;
  }

  /** {@code config.auth}, checked; null when authentication is off. */
  public AuthSettings auth() {
    return auth;
  }

  /** {@code config.cluster}, checked; null when this instance is not one of several. */
  public ClusterSettings cluster() {
    return cluster;
  }

  /** {@code config.package_callback}: an absolute http or https URL, or empty for none. */
  public String packageCallback() {
    return packageCallback;
  }

  /** A copy with the port replaced, for {@code --port}. */
  public RepositoryConfig withPort(int port) {
    JsonObject copy = json.copy();
    JsonObject server = copy.getJsonObject("config");
    if (server == null) {
      server = new JsonObject();
      copy.put("config", server);
    }
    server.put("port", port);
    return from(copy);
  }

  private static int count(JsonObject server, String key) {
    return (int) Settings.integer(server, key, 0, "config." + key, 0, 1_000_000,
      "0 (derived from the heap) or a positive count");
  }

  private static long orNoLimit(JsonObject server, String key, String unit) {
    return Settings.integer(server, key, 0, "config." + key, 0, Long.MAX_VALUE, unit + ", or 0 for no limit");
  }

  private static int seconds(JsonObject server, String key, int defaultValue) {
    return (int) Settings.integer(server, key, defaultValue, "config." + key, 1, 86_400, "1 to 86400 (seconds)");
  }

  private static String[] tls(JsonObject server) {
    Object value = server.getValue("tls");
    if (value == null) {
      return new String[2];
    }
    if (!(value instanceof JsonObject tls)) {
      throw new ConfigException("config.tls must be a JSON object: {\"cert\": \"cert.pem\", \"key\": \"key.pem\"}");
    }
    String cert = Settings.string(tls, "cert", "");
    String key = Settings.string(tls, "key", "");
    if (cert.isEmpty() && key.isEmpty()) {
      return new String[2];
    }
    for (String[] file : new String[][] {{"cert", cert}, {"key", key}}) {
      if (file[1].isEmpty() || !Files.isReadable(Path.of(file[1]))) {
        throw new ConfigException("config.tls." + file[0] + " is \"" + file[1] + "\"; HTTPS needs both a readable "
          + "PEM certificate (config.tls.cert) and its PEM key (config.tls.key)");
      }
    }
    return new String[] {cert, key};
  }

  private static String callbackUrl(String url) {
    if (url.isEmpty()) {
      return url;
    }
    try {
      URI uri = new URI(url);
      if (("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
        && uri.getHost() != null) {
        return url;
      }
    } catch (URISyntaxException e) {
      // refused below
    }
    throw new ConfigException("config.package_callback is \"" + url
      + "\"; use an absolute http or https URL, e.g. http://deploys.example/hooks/packages, or leave it empty");
  }
}
