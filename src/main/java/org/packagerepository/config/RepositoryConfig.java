package org.packagerepository.config;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Typed view of {@code pr-config.json}: the original service's file (three backend sections, of which the
 * unused ones hold empty strings, and a {@code config} section), plus the server settings this implementation adds
 * to the {@code config} section.
 */
public final class RepositoryConfig {

  public static final int DEFAULT_PORT = 8888;
  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final String DEFAULT_FS_PATH = "data/packages";

  /** The backend sections of the original's file, with the short names {@code config.backend} accepts. */
  public static final Map<String, String> BACKEND_SECTIONS =
    Map.of("fs", "FsRepository", "s3", "S3Repository", "swift", "SwiftRepository");

  private final JsonObject json;
  private final JsonObject server;
  private final String backend;
  private final JsonObject backendSection;

  private RepositoryConfig(JsonObject json, String backend, JsonObject backendSection) {
    this.json = json;
    this.server = json.getJsonObject("config", new JsonObject());
    this.backend = backend;
    this.backendSection = backendSection;
  }

  /** Validates the merged configuration (file, then environment) and chooses the backend. */
  public static RepositoryConfig from(JsonObject json) {
    for (String section : List.of("config", "FsRepository", "S3Repository", "SwiftRepository")) {
      Object value = json.getValue(section);
      if (value != null && !(value instanceof JsonObject)) {
        throw new ConfigException("\"" + section + "\" must be a JSON object");
      }
    }
    JsonObject server = json.getJsonObject("config", new JsonObject());
    String backend = chooseBackend(json, server.getString("backend", ""));
    JsonObject section = json.getJsonObject(BACKEND_SECTIONS.get(backend), new JsonObject()).copy();
    if (backend.equals("fs") && !isFilled("FsRepository", section)) {
      JsonObject location = section.getJsonObject("location");
      if (location == null) {
        location = new JsonObject();
        section.put("location", location);
      }
      location.put("path", DEFAULT_FS_PATH);
    }
    RepositoryConfig config = new RepositoryConfig(json, backend, section);
    config.port();
    config.allowOverwrite();
    config.maxStreamingUploads();
    config.maxWaitingUploads();
    config.packageCallback();
    config.maxPackageSize();
    config.idleTimeoutSeconds();
    config.headerTimeoutSeconds();
    config.tlsCertPath();
    config.shutdownTimeoutSeconds();
    config.bodyTimeoutSeconds();
    org.packagerepository.auth.AuthSettings.fromJson(config.server);
    return config;
  }

  private static String chooseBackend(JsonObject json, String declared) {
    if (!declared.isBlank()) {
      String name = declared.trim().toLowerCase(Locale.ROOT);
      if (!BACKEND_SECTIONS.containsKey(name)) {
        throw new ConfigException("config.backend is \"" + declared + "\"; use one of fs, s3, swift");
      }
      return name;
    }
    List<String> filled = new ArrayList<>();
    for (String name : List.of("fs", "s3", "swift")) {
      String section = BACKEND_SECTIONS.get(name);
      if (isFilled(section, json.getJsonObject(section))) {
        filled.add(name);
      }
    }
    if (filled.size() > 1) {
      List<String> sections = filled.stream().map(BACKEND_SECTIONS::get).toList();
      throw new ConfigException("Several storage backends are configured (" + String.join(", ", sections)
        + "): leave the values of all but one empty, or choose one with config.backend");
    }
    return filled.isEmpty() ? "fs" : filled.get(0);
  }

  /**
   * The values that choose a section's backend: the file system's {@code location.path}, and every value of a remote
   * store's {@code access} group. The original's file ships every one of them empty but fills in the {@code container}
   * values ({@code apps} / {@code releases}), so those choose nothing; nor do settings this server adds outside
   * {@code access} (fsync, cache, part sizes).
   */
  static boolean isFilled(String sectionName, JsonObject section) {
    if (section == null) {
      return false;
    }
    boolean fileSystem = sectionName.equals("FsRepository");
    if (!(section.getValue(fileSystem ? "location" : "access") instanceof JsonObject group)) {
      return false;
    }
    if (fileSystem) {
      return isNonBlank(group.getValue("path"));
    }
    return group.stream().anyMatch(entry -> isNonBlank(entry.getValue()));
  }

  private static boolean isNonBlank(Object value) {
    return value instanceof String text && !text.isBlank();
  }

  /** Short name of the chosen backend: fs, s3 or swift. */
  public String backend() {
    return backend;
  }

  /** Name of the chosen backend's section in pr-config.json. */
  public String backendSectionName() {
    return BACKEND_SECTIONS.get(backend);
  }

  /** The chosen backend's section (with the file-system default filled in when no backend is configured). */
  public JsonObject backendSection() {
    return backendSection;
  }

  public int port() {
    long port = Settings.integer(server, "port", DEFAULT_PORT, "config.port");
    if (port < 0 || port > 65535) {
      throw new ConfigException("config.port is " + port + "; use a port number between 0 and 65535");
    }
    return (int) port;
  }

  public String host() {
    return Settings.string(server, "host", DEFAULT_HOST);
  }

  /** Whether a PUT may replace an existing package (the original's behaviour). */
  public boolean allowOverwrite() {
    return Settings.bool(server, "allow_overwrite", true, "config.allow_overwrite");
  }

  /** How many uploads stream at once; 0 derives it from the heap. */
  public int maxStreamingUploads() {
    return nonNegative("max_streaming_uploads");
  }

  /** How many further uploads wait for a turn before the server answers 503; 0 derives it from the heap. */
  public int maxWaitingUploads() {
    return nonNegative("max_waiting_uploads");
  }

  private int nonNegative(String key) {
    long value = Settings.integer(server, key, 0, "config." + key);
    if (value < 0 || value > 1_000_000) {
      throw new ConfigException("config." + key + " is " + value + "; use 0 (derived from the heap) or a positive count");
    }
    return (int) value;
  }

  public String logLevel() {
    return Settings.string(server, "log_level", "INFO");
  }

  /** {@code config.max_package_size}: the largest package accepted, in bytes; 0 (the default) for no limit. */
  public long maxPackageSize() {
    long value = Settings.integer(server, "max_package_size", 0, "config.max_package_size");
    if (value < 0) {
      throw new ConfigException("config.max_package_size is " + value + "; use a size in bytes, or 0 for no limit");
    }
    return value;
  }

  /** {@code config.idle_timeout}: seconds without a byte either way after which a connection is closed. */
  public int idleTimeoutSeconds() {
    return seconds("idle_timeout", 120);
  }

  /** {@code config.body_timeout}: seconds an upload's body may take once it is read; 0 (the default) for no limit. */
  public long bodyTimeoutSeconds() {
    long value = Settings.integer(server, "body_timeout", 0, "config.body_timeout");
    if (value < 0) {
      throw new ConfigException("config.body_timeout is " + value + "; use seconds, or 0 for no limit");
    }
    return value;
  }

  /** {@code config.shutdown_timeout}: seconds that requests in flight get to finish once the server is told to stop. */
  public int shutdownTimeoutSeconds() {
    return seconds("shutdown_timeout", 30);
  }

  /** {@code config.header_timeout}: seconds a new connection has to send a whole request head. */
  public int headerTimeoutSeconds() {
    return seconds("header_timeout", 10);
  }

  private int seconds(String key, int defaultValue) {
    long value = Settings.integer(server, key, defaultValue, "config." + key);
    if (value < 1 || value > 86_400) {
      throw new ConfigException("config." + key + " is " + value + "; use 1 to 86400 (seconds)");
    }
    return (int) value;
  }

  /**
   * {@code config.tls.cert}: a PEM certificate (chain) to serve HTTPS with, together with {@code config.tls.key};
   * null when both are empty (plain HTTP).
   */
  public String tlsCertPath() {
    return tls()[0];
  }

  /** {@code config.tls.key}: the PEM private key (PKCS#8 or PKCS#1) of {@link #tlsCertPath()}. */
  public String tlsKeyPath() {
    return tls()[1];
  }

  private String[] tls() {
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
      if (file[1].isEmpty() || !java.nio.file.Files.isReadable(java.nio.file.Path.of(file[1]))) {
        throw new ConfigException("config.tls." + file[0] + " is \"" + file[1] + "\"; HTTPS needs both a readable "
          + "PEM certificate (config.tls.cert) and its PEM key (config.tls.key)");
      }
    }
    return new String[] {cert, key};
  }

  /** {@code config.auth} as written (validated at start-up), or null when authentication is off. */
  public JsonObject auth() {
    return server.getValue("auth") instanceof JsonObject auth ? auth.copy() : null;
  }

  /** {@code config.package_callback}: an absolute http or https URL, or empty for none. */
  public String packageCallback() {
    String url = Settings.string(server, "package_callback", "");
    if (url.isEmpty()) {
      return url;
    }
    try {
      java.net.URI uri = new java.net.URI(url);
      if (("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
        && uri.getHost() != null) {
        return url;
      }
    } catch (java.net.URISyntaxException e) {
      // refused below
    }
    throw new ConfigException("config.package_callback is \"" + url
      + "\"; use an absolute http or https URL, e.g. http://deploys.example/hooks/packages, or leave it empty");
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
}
