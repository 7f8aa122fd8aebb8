package org.packagerepository.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads pr-config.json and merges the environment over it. The stores are declared explicitly because
 * ConfigRetriever's default order would let the file override the environment.
 */
public final class ConfigLoader {

  public static final Path DEFAULT_FILE = Path.of("conf", "pr-config.json");

  private ConfigLoader() {
  }

  /**
   * The file with {@code overrides} merged over it.
   *
   * @param file      the configuration file; when {@code required} is false and it does not exist, the built-in
   *                  defaults apply (file system under data/packages, port 8888)
   * @param overrides what the environment says, shaped like the file ({@link EnvironmentOverrides})
   */
  public static Future<JsonObject> load(Vertx vertx, Path file, boolean required, JsonObject overrides) {
    ConfigRetrieverOptions options = new ConfigRetrieverOptions().setScanPeriod(0).setIncludeDefaultStores(false);
    if (Files.exists(file)) {
      options.addStore(new ConfigStoreOptions().setType("file").setFormat("json")
        .setConfig(new JsonObject().put("path", file.toString())));
    } else if (required) {
      return Future.failedFuture(new ConfigException("Configuration file " + file + " does not exist"));
    }
    options.addStore(new ConfigStoreOptions().setType("json").setConfig(overrides));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig()
      .onComplete(ar -> retriever.close())
      .recover(e -> Future.failedFuture(new ConfigException("Configuration file " + file
        + " could not be read: " + rootMessage(e))));
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
