package org.packagerepository.config;

import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Environment variables that override values of {@code pr-config.json}, so that secrets need not live in the file
 * and an OpenStack openrc file can simply be sourced before starting the server.
 */
public final class EnvironmentOverrides {

  /** Variable name to the path of the value it overrides in pr-config.json. */
  public static final Map<String, String> VARIABLES;

  static {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("PR_PORT", "config.port");
    m.put("PR_HOST", "config.host");
    m.put("PR_BACKEND", "config.backend");
    m.put("PR_LOG_LEVEL", "config.log_level");
    m.put("PR_PACKAGE_CALLBACK", "config.package_callback");
    m.put("PR_ALLOW_OVERWRITE", "config.allow_overwrite");
    m.put("PR_MAX_STREAMING_UPLOADS", "config.max_streaming_uploads");
    m.put("PR_MAX_WAITING_UPLOADS", "config.max_waiting_uploads");
    m.put("PR_MAX_PACKAGE_SIZE", "config.max_package_size");
    m.put("PR_IDLE_TIMEOUT", "config.idle_timeout");
    m.put("PR_HEADER_TIMEOUT", "config.header_timeout");
    m.put("PR_SHUTDOWN_TIMEOUT", "config.shutdown_timeout");
    m.put("PR_BODY_TIMEOUT", "config.body_timeout");
    m.put("PR_FS_PATH", "FsRepository.location.path");
    m.put("PR_FS_FSYNC", "FsRepository.location.fsync");
    m.put("PR_FS_ZERO_COPY", "FsRepository.location.zero_copy");
    m.put("PR_S3_REGION", "S3Repository.access.region");
    m.put("PR_S3_ACCESS_KEY", "S3Repository.access.access_key");
    m.put("PR_S3_SECRET_ACCESS_KEY", "S3Repository.access.secret_access_key");
    m.put("PR_S3_ENDPOINT", "S3Repository.access.endpoint");
    m.put("PR_S3_BUCKET", "S3Repository.container.bucket");
    m.put("PR_S3_PATH", "S3Repository.container.path");
    // The variables of an OpenStack openrc file.
    m.put("OS_PROJECT_NAME", "SwiftRepository.access.account");
    m.put("OS_USERNAME", "SwiftRepository.access.user");
    m.put("OS_PASSWORD", "SwiftRepository.access.key");
    m.put("OS_AUTH_URL", "SwiftRepository.access.auth_url");
    m.put("OS_IDENTITY_API_VERSION", "SwiftRepository.access.auth_version");
    m.put("OS_USER_DOMAIN_NAME", "SwiftRepository.access.user_domain_name");
    m.put("OS_PROJECT_DOMAIN_NAME", "SwiftRepository.access.project_domain_name");
    m.put("OS_REGION_NAME", "SwiftRepository.access.region_name");
    m.put("OS_INTERFACE", "SwiftRepository.access.interface");
    m.put("PR_SWIFT_CONTAINER", "SwiftRepository.container.container");
    m.put("PR_SWIFT_PATH", "SwiftRepository.container.path");
    VARIABLES = Map.copyOf(m);
  }

  private EnvironmentOverrides() {
  }

  /** The overrides found in {@code env}, shaped like pr-config.json, to be merged over the file. */
  public static JsonObject from(Map<String, String> env) {
    JsonObject overrides = new JsonObject();
    VARIABLES.forEach((variable, path) -> {
      String value = env.get(variable);
      if (value != null && !value.isEmpty()) {
        put(overrides, path, value);
      }
    });
    return overrides;
  }

  private static void put(JsonObject root, String path, String value) {
    String[] keys = path.split("\\.");
    JsonObject node = root;
    for (int i = 0; i < keys.length - 1; i++) {
      JsonObject child = node.getJsonObject(keys[i]);
      if (child == null) {
        child = new JsonObject();
        node.put(keys[i], child);
      }
      node = child;
    }
    node.put(keys[keys.length - 1], value);
  }
}
