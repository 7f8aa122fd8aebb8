package org.packagerepository;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.packagerepository.auth.TokenHash;
import org.packagerepository.cluster.ClusterSettings;
import org.packagerepository.cluster.HazelcastSetup;
import org.packagerepository.config.ConfigException;
import org.packagerepository.config.ConfigLoader;
import org.packagerepository.metrics.Metrics;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** {@code java -jar package-repository.jar [--config FILE] [--port N]} */
public final class Main {

  private static final String USAGE = "usage: java -jar package-repository.jar [--config FILE] [--port N]\n"
    + "       java -jar package-repository.jar --new-token   (a random token for config.auth, and its hash)";

  private Main() {
  }

  public static void main(String[] args) {
    if (System.getProperty("java.util.logging.manager") == null) {
      System.setProperty("java.util.logging.manager", ShutdownSafeLogManager.class.getName());
    }
    Path configFile = ConfigLoader.DEFAULT_FILE;
    boolean explicitConfig = false;
    Integer port = null;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--config" -> {
            configFile = Path.of(value(args, ++i));
            explicitConfig = true;
          }
          case "--port" -> port = Integer.parseInt(value(args, ++i));
          case "--new-token" -> {
            String token = TokenHash.newToken();
            System.out.println("token (give it to the user; it is not stored): " + token);
            System.out.println("for config.auth.users.<name>: \"token\": \"" + TokenHash.format(token) + "\"");
            return;
          }
          case "--help", "-h" -> {
            System.out.println(USAGE);
            return;
          }
          default -> throw new IllegalArgumentException("unknown argument " + args[i]);
        }
      }
    } catch (IllegalArgumentException e) {
      System.err.println("package-repository: " + e.getMessage() + "\n" + USAGE);
      System.exit(2);
    }

    Vertx vertx = Metrics.newVertx();
    Integer portOverride = port;
    try {
      RepositoryConfig config = RepositoryConfig.load(vertx, configFile, explicitConfig, System.getenv())
        .map(loaded -> portOverride == null ? loaded : loaded.withPort(portOverride))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      configureLogging(config.logLevel());
      if (config.cluster() != null) {
        // One of several: a clustered Vert.x instead, and only then does any cluster thread start.
        vertx.close();
        vertx = clustered(config.cluster());
      }
      Server server = Server.start(vertx, config).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      // Not the runtime MXBean: loading JMX (and with it JFR's classes) costs about 100 ms of start-up.
      long startedIn = ProcessHandle.current().info().startInstant()
        .map(start -> System.currentTimeMillis() - start.toEpochMilli()).orElse(-1L);
      Logger.getLogger(Main.class.getName()).info("package-repository listening on port " + server.port()
        + ", storage: " + config.backend() + ", started in " + startedIn + " ms");
      long drainMillis = TimeUnit.SECONDS.toMillis(config.shutdownTimeoutSeconds());
      // SIGTERM (docker stop, systemd, Kubernetes): transfers in flight get drainMillis to finish.
      Vertx running = vertx;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(running, server, drainMillis), "shutdown"));
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      String message = cause instanceof ConfigException ? cause.getMessage() : cause.toString();
      System.err.println("package-repository: cannot start: " + message);
      vertx.close();
      System.exit(1);
    }
  }

  /** Joins the cluster (the other members need not be up yet: they join this one as they come). */
  private static Vertx clustered(ClusterSettings cluster) throws Exception {
    return Metrics.newClusteredVertx(new VertxOptions().setEventBusOptions(HazelcastSetup.eventBus(cluster)),
      HazelcastSetup.clusterManager(cluster)).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static void stop(Vertx vertx, Server server, long drainMillis) {
    Logger log = Logger.getLogger(Main.class.getName());
    log.info("Stopping: requests in flight have " + drainMillis + " ms to finish");
    CompletableFuture<Void> stopped = server.stop(drainMillis).eventually(vertx::close).toCompletionStage()
      .toCompletableFuture();
    try {
      stopped.get(drainMillis + 30_000, TimeUnit.MILLISECONDS);
      log.info("Stopped");
    } catch (Exception e) {
      log.warning("Stopped without finishing cleanly: " + e);
    } finally {
      ShutdownSafeLogManager.flushAll();
    }
  }

  private static boolean isClientGone(LogRecord record) {
    Throwable thrown = record.getThrown();
    String message = thrown == null ? null : thrown.getMessage();
    return thrown instanceof java.io.IOException && message != null
      && (message.contains("Connection reset by peer") || message.contains("Broken pipe"));
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException(args[i - 1] + " needs a value");
    }
    return args[i];
  }

  /** {@code config.log_level}: DEBUG, INFO, WARN or ERROR (the original's names), or a java.util.logging level. */
  static void configureLogging(String name) {
    Level level = switch (name.trim().toUpperCase()) {
      case "TRACE" -> Level.FINEST;
      case "DEBUG" -> Level.FINE;
      case "WARN", "WARNING" -> Level.WARNING;
      case "ERROR", "CRITICAL" -> Level.SEVERE;
      case "INFO", "" -> Level.INFO;
      default -> {
        try {
          yield Level.parse(name.trim().toUpperCase());
        } catch (IllegalArgumentException e) {
          throw new ConfigException("config.log_level is \"" + name + "\"; use DEBUG, INFO, WARN or ERROR");
        }
      }
    };
    Logger root = Logger.getLogger("");
    for (var handler : root.getHandlers()) {
      root.removeHandler(handler);
    }
    BackgroundLogHandler handler = new BackgroundLogHandler(System.err);
    handler.setLevel(level);
    handler.setFormatter(new LogLineFormatter());
    // A client that goes away mid-download is logged by Vert.x as a SEVERE I/O error: it is the client's doing.
    boolean debug = level.intValue() <= Level.FINE.intValue();
    handler.setFilter(record -> debug || !isClientGone(record));
    root.addHandler(handler);
    root.setLevel(level);
  }
}
