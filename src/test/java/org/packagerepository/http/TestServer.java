package org.packagerepository.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.packagerepository.Server;
import org.packagerepository.RepositoryConfig;
import org.packagerepository.metrics.Metrics;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A server started on its own Vertx, on a random free port of the loopback interface, for one test. Closing it stops
 * the server and closes the Vertx.
 */
public final class TestServer implements AutoCloseable {

  private static final long TIMEOUT_SECONDS = 30;

  private final Vertx vertx;
  private final Server server;

  private final Path cache;

  private TestServer(Vertx vertx, Server server, Path cache) {
    this.vertx = vertx;
    this.server = server;
    this.cache = cache;
  }

  /**
   * Gives a remote backend's section a cache directory of this server's own (a new temporary one, deleted when it
   * closes) unless the test chose one: tests must not share a cache, nor leave one in the working directory.
   */
  private static Path withOwnCache(JsonObject json) throws java.io.IOException {
    Path cache = null;
    for (String name : new String[] {"S3Repository", "SwiftRepository"}) {
      JsonObject section = json.getJsonObject(name);
      if (section == null) {
        continue;
      }
      JsonObject group = section.getJsonObject("cache", new JsonObject());
      if (group.getString("path") == null) {
        if (cache == null) {
          cache = Files.createTempDirectory("pr-cache-");
        }
        section.put("cache", group.copy().put("path", cache.resolve(name).toString()));
      }
    }
    return cache;
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
      all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /**
   * @param prConfig a pr-config.json; its {@code config.port} and {@code config.host} are replaced by a random port
   *                 on 127.0.0.1
   */
  public static TestServer start(JsonObject prConfig) throws Exception {
    return start(prConfig, java.time.InstantSource.system());
  }

  /** {@link #start(JsonObject)} with {@code clock} as retention's "now". */
  public static TestServer start(JsonObject prConfig, java.time.InstantSource clock) throws Exception {
    JsonObject json = prConfig.copy();
    JsonObject settings = json.getJsonObject("config", new JsonObject()).copy().put("port", 0).put("host", "127.0.0.1");
    json.put("config", settings);
    Path cache = withOwnCache(json);
    Vertx vertx = Metrics.newVertx();
    try {
      Server server = await(Server.start(vertx, RepositoryConfig.from(json), clock));
      return new TestServer(vertx, server, cache);
    } catch (Exception | Error e) {
      await(vertx.close());
      deleteTree(cache);
      throw e;
    }
  }

  /** A server on the file system under {@code packages}, with the {@code config} group {@code settings}. */
  public static TestServer onFileSystem(java.nio.file.Path packages, JsonObject settings) throws Exception {
    return start(fileSystemConfig(packages, settings));
  }

  /** A pr-config.json for the file system under {@code packages}, with the {@code config} group {@code settings}. */
  public static JsonObject fileSystemConfig(java.nio.file.Path packages, JsonObject settings) {
    return new JsonObject()
      .put("FsRepository", new JsonObject().put("location", new JsonObject().put("path", packages.toString())))
      .put("config", settings);
  }

  public int port() {
    return server.port();
  }

  /** {@code http://127.0.0.1:<port><pathAndQuery>}, taken as it is (nothing is encoded). */
  public URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
  }

  /** The server's Vertx, e.g. to speak to its storage over the event bus. */
  public Vertx vertx() {
    return vertx;
  }

  public ApiClient client() {
    return new ApiClient(this);
  }

  /** Stops the server without waiting for it; {@link #close} is still needed after, for the rest. */
  public Future<Void> stopAsync() {
    return server.stop();
  }

  @Override
  public void close() throws Exception {
    try {
      await(server.stop());
    } finally {
      try {
        await(vertx.close());
      } finally {
        deleteTree(cache);
      }
    }
  }

  /** The result of a Vert.x future, waited for from a test thread; its failure is thrown as it is. */
  public static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }
}
