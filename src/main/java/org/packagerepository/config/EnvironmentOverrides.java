package org.packagerepository.config;

import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * Environment variables that override values of {@code pr-config.json}, so that secrets need not live in the file
 * and an OpenStack openrc file can simply be sourced before starting the server.
 */
public final class EnvironmentOverrides {

  private EnvironmentOverrides() {
  }

  /**
   * The overrides found in {@code env}, shaped like pr-config.json, to be merged over the file.
   *
   * @param variables each variable that overrides a value, with the path of that value ({@code config.port})
   */
  public static JsonObject from(Map<String, String> env, Map<String, String> variables) {
    JsonObject overrides = new JsonObject();
    variables.forEach((variable, path) -> {
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
