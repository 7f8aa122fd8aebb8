import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The least a server on Vert.x does to answer a GET of a file or of one range of it, as a yardstick for ours: the
 * Vert.x of our jar, the same transport (epoll) and one HTTP server per core, a range of up to 16 KiB read from the
 * page cache and sent with the headers in one write as ours does (larger ones with sendfile), and nothing else: no
 * routing, no checks of the name, no conditionals, no log, no metrics; each file opened once per event loop and its
 * size read once (blocking the event loop that first asks for it). What it answers per second bounds what any server on Vert.x can
 * here, ours included. {@code java -cp <our jar> VertxFloor.java DIR PORT}: serves DIR/NAME as
 * {@code /packages/NAME}.
 */
public final class VertxFloor extends AbstractVerticle {

  /** Ranges up to this size are read and written with the headers, as ours does. */
  private static final int SMALL = 16 * 1024;

  private final String dir;
  private final int port;
  private final Map<String, RandomAccessFile> open = new HashMap<>();
  private final Map<String, Long> sizes = new HashMap<>();

  private VertxFloor(String dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  public static void main(String[] args) {
    int cores = Runtime.getRuntime().availableProcessors();
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(cores));
    vertx.deployVerticle(() -> new VertxFloor(args[0], Integer.parseInt(args[1])),
      new DeploymentOptions().setInstances(cores)).await();
    System.out.println("ready, native transport: " + vertx.isNativeTransportEnabled());
  }

  @Override
  public void start(Promise<Void> started) {
    vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("127.0.0.1"))
      .requestHandler(this::handle).listen().<Void>mapEmpty().onComplete(started);
  }

  private void handle(HttpServerRequest request) {
    String path = request.path();
    String name = path.substring(path.lastIndexOf('/') + 1);
    RandomAccessFile file = open.computeIfAbsent(name, n -> {
      try {
        RandomAccessFile opened = new RandomAccessFile(new File(dir, n), "r");
        sizes.put(n, opened.length());
        return opened;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    long size = sizes.get(name);
    String range = request.getHeader("Range");
    request.response().putHeader("Content-Type", "application/gzip");
    if (range == null || !range.startsWith("bytes=")) {
      request.response().sendFile(file.getChannel(), 0, size);
      return;
    }
    int dash = range.indexOf('-');
    long first = Long.parseLong(range.substring(6, dash));
    long last = Math.min(Long.parseLong(range.substring(dash + 1)), size - 1);
    request.response().setStatusCode(206).putHeader("Content-Range", "bytes " + first + "-" + last + "/" + size);
    int length = (int) Math.min(last - first + 1, Integer.MAX_VALUE);
    if (length > SMALL) {
      request.response().sendFile(file.getChannel(), first, length);
      return;
    }
    // As ours does: a few kilobytes read from the page cache and sent with the headers in one write, not sendfile's
    // second system call and second segment.
    ByteBuffer bytes = ByteBuffer.allocate(length);
    try {
      while (bytes.hasRemaining() && file.getChannel().read(bytes, first + bytes.position()) >= 0) {
        // positional reads until the range is in
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    request.response().end(Buffer.buffer(bytes.array()));
  }
}
