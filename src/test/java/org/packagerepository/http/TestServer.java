package org.packagerepository.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.packagerepository.Server;
import org.packagerepository.config.RepositoryConfig;

import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * A server started on its own Vertx, on a random free port of the loopback interface, for one test. Closing it stops
 * the server and closes the Vertx.
 */
public final class TestServer implements AutoCloseable {

  private static final long TIMEOUT_SECONDS = 30;

  private final Vertx vertx;
  private final Server server;

  private TestServer(Vertx vertx, Server server) {
    this.vertx = vertx;
    this.server = server;
  }

  /**
   * @param prConfig a pr-config.json; its {@code config.port} and {@code config.host} are replaced by a random port
   *                 on 127.0.0.1
   */
  public static TestServer start(JsonObject prConfig) throws Exception {
    JsonObject json = prConfig.copy();
    JsonObject settings = json.getJsonObject("config", new JsonObject()).copy().put("port", 0).put("host", "127.0.0.1");
    json.put("config", settings);
    Vertx vertx = Vertx.vertx();
    try {
      Server server = await(Server.start(vertx, RepositoryConfig.from(json)));
      return new TestServer(vertx, server);
    } catch (Exception | Error e) {
      await(vertx.close());
      throw e;
    }
  }

  public int port() {
    return server.port();
  }

  /** {@code http://127.0.0.1:<port><pathAndQuery>}, taken as it is (nothing is encoded). */
  public URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
  }

  public ApiClient client() {
    return new ApiClient(this);
  }

  @Override
  public void close() throws Exception {
    try {
      await(server.stop());
    } finally {
      await(vertx.close());
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
