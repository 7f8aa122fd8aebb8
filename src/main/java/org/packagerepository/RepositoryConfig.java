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
import org.packagerepository.http.DownloadLimits;
import org.packagerepository.retention.RetentionSettings;
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
 * {@code config} section. Parsed and checked once, by {@link #from}; a value that cannot be used is a
 * {@link ConfigException} naming it. The backends of the build declare their own sections ({@link StorageBackend}):
 * which one is used is chosen here, its section is parsed by the backend when the server starts.
 *
 * @param json                   the merged configuration it was parsed from
 * @param storage                the chosen backend
 * @param backendSection         the chosen backend's section as written (the backend fills in its defaults when it
 *                               parses it)
 * @param port                   {@code config.port}
 * @param host                   {@code config.host}
 * @param allowOverwrite         whether a PUT may replace an existing package (the original's behaviour)
 * @param maxStreamingUploads    how many uploads stream at once; 0 derives it from the heap
 * @param maxWaitingUploads      how many further uploads wait for a turn before the server answers 503; 0 derives it
 *                               from the heap
 * @param logLevel               {@code config.log_level}
 * @param packageCallback        {@code config.package_callback}: an absolute http or https URL, or empty for none
 * @param maxPackageSize         {@code config.max_package_size}: the largest package accepted, in bytes; 0 (the
 *                               default) for no limit
 * @param idleTimeoutSeconds     {@code config.idle_timeout}: seconds without a byte either way after which a
 *                               connection is closed
 * @param headerTimeoutSeconds   {@code config.header_timeout}: seconds a new connection has to send a whole request
 *                               head
 * @param bodyTimeoutSeconds     {@code config.body_timeout}: seconds an upload's body may take once it is read; 0
 *                               (the default) for no limit
 * @param shutdownTimeoutSeconds {@code config.shutdown_timeout}: seconds that requests in flight get to finish once
 *                               the server is told to stop
 * @param tlsCertPath            {@code config.tls.cert}: a PEM certificate (chain) to serve HTTPS with, together with
 *                               {@code config.tls.key}; null when both are empty (plain HTTP)
 * @param tlsKeyPath             {@code config.tls.key}: the PEM private key (PKCS#8 or PKCS#1) of the certificate
 * @param auth                   {@code config.auth}, checked; null when authentication is off
 * @param cluster                {@code config.cluster}, checked; null when this instance is not one of several
 * @param limits                 {@code config.limits} and {@code config.trusted_proxies}, checked
 * @param retention              {@code config.retention}, checked; null when retention is off (the default)
 */
public record RepositoryConfig(JsonObject json, StorageBackend<?> storage, JsonObject backendSection, int port,
                               String host, boolean allowOverwrite, int maxStreamingUploads, int maxWaitingUploads,
                               String logLevel, String packageCallback, long maxPackageSize, int idleTimeoutSeconds,
                               int headerTimeoutSeconds, long bodyTimeoutSeconds, int shutdownTimeoutSeconds,
                               String tlsCertPath, String tlsKeyPath, AuthSettings auth, ClusterSettings cluster,
                               DownloadLimits limits, RetentionSettings retention) {

  public static final int DEFAULT_PORT = 8888;
  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final boolean DEFAULT_ALLOW_OVERWRITE = true;
  public static final String DEFAULT_LOG_LEVEL = "INFO";
  public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 120;
  public static final int DEFAULT_HEADER_TIMEOUT_SECONDS = 10;
  public static final int DEFAULT_SHUTDOWN_TIMEOUT_SECONDS = 30;

  /** Variables that override the {@code config} section; each backend declares those of its own section. */
  private static final Map<String, String> SERVER_VARIABLES = Map.ofEntries(
    Map.entry("PR_PORT", "port"),
    Map.entry("PR_HOST", "host"),
    Map.entry("PR_BACKEND", "backend"),
    Map.entry("PR_LOG_LEVEL", "log_level"),
    Map.entry("PR_PACKAGE_CALLBACK", "package_callback"),
    Map.entry("PR_ALLOW_OVERWRITE", "allow_overwrite"),
    Map.entry("PR_MAX_STREAMING_UPLOADS", "max_streaming_uploads"),
    Map.entry("PR_MAX_WAITING_UPLOADS", "max_waiting_uploads"),
    Map.entry("PR_MAX_PACKAGE_SIZE", "max_package_size"),
    Map.entry("PR_IDLE_TIMEOUT", "idle_timeout"),
    Map.entry("PR_HEADER_TIMEOUT", "header_timeout"),
    Map.entry("PR_SHUTDOWN_TIMEOUT", "shutdown_timeout"),
    Map.entry("PR_BODY_TIMEOUT", "body_timeout"),
    Map.entry("PR_MAX_DOWNLOADS_PER_CLIENT", "limits.max_downloads_per_client"),
    Map.entry("PR_MAX_DOWNLOADS", "limits.max_downloads"),
    Map.entry("PR_TRUSTED_PROXIES", "trusted_proxies"),
    Map.entry("PR_CLUSTER_MEMBERS", "cluster.members"),
    Map.entry("PR_CLUSTER_KUBERNETES_SERVICE", "cluster.kubernetes_service"),
    Map.entry("PR_CLUSTER_BIND", "cluster.bind"),
    Map.entry("PR_CLUSTER_BUS_PORT", "cluster.bus_port"),
    Map.entry("PR_CLUSTER_PUBLIC_URL", "cluster.public_url"),
    Map.entry("PR_CLUSTER_SECRET", "cluster.secret"));

  /** Checks the merged configuration (file, then environment) and chooses the backend. */
  public static RepositoryConfig from(JsonObject json) {
    for (String section : sectionNames()) {
      Object value = json.getValue(section);
      if (value != null && !(value instanceof JsonObject)) {
        throw new ConfigException("\"" + section + "\" must be a JSON object");
      }
    }
    JsonObject server = json.getJsonObject("config", new JsonObject());
    StorageBackend<?> backend = chooseBackend(json, Settings.string(server, "backend", ""));
    return new RepositoryConfig(json, backend, json.getJsonObject(backend.section(), new JsonObject()).copy(),
      (int) Settings.integer(server, "port", DEFAULT_PORT, "config.port", 0, 65535,
        "a port number between 0 and 65535"),
      Settings.string(server, "host", DEFAULT_HOST),
      Settings.bool(server, "allow_overwrite", DEFAULT_ALLOW_OVERWRITE, "config.allow_overwrite"),
      count(server, "max_streaming_uploads"),
      count(server, "max_waiting_uploads"),
      Settings.string(server, "log_level", DEFAULT_LOG_LEVEL),
      callbackUrl(Settings.string(server, "package_callback", "")),
      orNoLimit(server, "max_package_size", "a size in bytes"),
      seconds(server, "idle_timeout", DEFAULT_IDLE_TIMEOUT_SECONDS),
      seconds(server, "header_timeout", DEFAULT_HEADER_TIMEOUT_SECONDS),
      orNoLimit(server, "body_timeout", "seconds"),
      seconds(server, "shutdown_timeout", DEFAULT_SHUTDOWN_TIMEOUT_SECONDS),
      tlsFile(server, "cert"), tlsFile(server, "key"), AuthSettings.fromJson(server), ClusterSettings.fromJson(server),
      DownloadLimits.fromJson(server), RetentionSettings.fromJson(server));
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
    RetentionSettings.ENVIRONMENT.forEach((variable, key) -> variables.put(variable, "config." + key));
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

  /** Short name of the chosen backend: fs, s3 or swift. */
  public String backend() {
    return storage.name();
  }

  /** Name of the chosen backend's section in pr-config.json. */
  public String backendSectionName() {
    return storage.section();
  }

  /** The chosen backend's section as written (the backend fills in its defaults when it parses it). */
  @Override
  public JsonObject backendSection() {
    return backendSection.copy();
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

  /** {@code config.tls.cert} or {@code .key}: null when both are empty, else a readable file. */
  private static String tlsFile(JsonObject server, String which) {
    Object value = server.getValue("tls");
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject tls)) {
      throw new ConfigException("config.tls must be a JSON object: {\"cert\": \"cert.pem\", \"key\": \"key.pem\"}");
    }
    if (Settings.string(tls, "cert", "").isEmpty() && Settings.string(tls, "key", "").isEmpty()) {
      return null;
    }
    String file = Settings.string(tls, which, "");
    if (file.isEmpty() || !Files.isReadable(Path.of(file))) {
      throw new ConfigException("config.tls." + which + " is \"" + file + "\"; HTTPS needs both a readable "
        + "PEM certificate (config.tls.cert) and its PEM key (config.tls.key)");
    }
    return file;
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
