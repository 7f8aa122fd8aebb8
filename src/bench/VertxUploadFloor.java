import io.netty.buffer.ByteBuf;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.core.internal.buffer.BufferInternal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.HexFormat;

/**
 * The least memory a server on Vert.x needs for the small-heap rows, as a yardstick for ours: the Vert.x of our jar, the
 * same transport (epoll) and one HTTP server per core, the same 64 KiB chunks; an upload streams when one of
 * {@code SLOTS} is free (ours has 4 with {@code -Xmx64m}) and until then its socket is not read, as ours; every byte is
 * hashed (SHA-256) and written to a temporary file that is forced to the disk, closed and renamed at the end, and the
 * answer carries the hash. Downloads are sent with sendfile. Nothing else: no routing, no checks of the name, no event bus
 * between the HTTP side and the storage, no worker thread at all (it hashes, writes and syncs on the event loop, which a
 * real server must not), no listing, log or metrics. {@code java -cp <our jar>:<its classes> VertxUploadFloor DIR PORT}:
 * serves and stores DIR/NAME as {@code /packages/NAME}; {@code GET /packages} answers {@code []}.
 */
public final class VertxUploadFloor extends AbstractVerticle {

  private static final int SLOTS = 4;
  private static final ArrayDeque<Runnable> WAITING = new ArrayDeque<>();
  private static int streaming;

  private final String dir;
  private final int port;

  private VertxUploadFloor(String dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  public static void main(String[] args) {
    int cores = Runtime.getRuntime().availableProcessors();
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(cores));
    vertx.deployVerticle(() -> new VertxUploadFloor(args[0], Integer.parseInt(args[1])),
      new DeploymentOptions().setInstances(cores)).await();
    System.out.println("ready, native transport: " + vertx.isNativeTransportEnabled());
  }

  @Override
  public void start(Promise<Void> started) {
    vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("127.0.0.1").setMaxChunkSize(64 * 1024)
        .setHandle100ContinueAutomatically(false))
      .requestHandler(this::handle).listen().<Void>mapEmpty().onComplete(started);
  }

  private void handle(HttpServerRequest request) {
    String path = request.path();
    if (path.equals("/packages")) {
      request.response().end("[]");
      return;
    }
    String name = path.substring(path.lastIndexOf('/') + 1);
    if (request.method() != HttpMethod.PUT) {
      request.response().sendFile(dir + "/" + name);
      return;
    }
    request.pause();
    reading(request, false);
    Context context = vertx.getOrCreateContext();
    Runnable stream = () -> context.runOnContext(v -> {
      reading(request, true);
      upload(request, name);
    });
    if (admitted(stream)) {
      stream.run();
    }
  }

  private static synchronized boolean admitted(Runnable stream) {
    if (streaming < SLOTS) {
      streaming++;
      return true;
    }
    WAITING.add(stream);
    return false;
  }

  private static void release() {
    Runnable next;
    synchronized (VertxUploadFloor.class) {
      next = WAITING.poll();
      if (next == null) {
        streaming--;
      }
    }
    if (next != null) {
      next.run();
    }
  }

  /** A waiting body stays in the kernel's socket buffer, not in Vert.x's queue. */
  private static void reading(HttpServerRequest request, boolean on) {
    if (request.connection() instanceof HttpServerConnection connection) {
      connection.channelHandlerContext().channel().config().setAutoRead(on);
    }
  }

  private void upload(HttpServerRequest request, String name) {
    Path temporary = Path.of(dir, ".incoming-" + name);
    FileChannel file;
    MessageDigest digest;
    try {
      file = FileChannel.open(temporary, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
      digest = MessageDigest.getInstance("SHA-256");
    } catch (IOException | NoSuchAlgorithmException e) {
      request.response().setStatusCode(500).end();
      release();
      return;
    }
    // A client gone mid-body gives its slot back (the temporary file stays: the bench deletes its directory).
    boolean[] released = {false};
    Runnable releaseOnce = () -> {
      if (!released[0]) {
        released[0] = true;
        release();
      }
    };
    request.exceptionHandler(e -> releaseOnce.run());
    if ("100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
      request.response().writeContinue();
    }
    request.handler(chunk -> {
      ByteBuf bytes = ((BufferInternal) chunk).getByteBuf();
      digest.update(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes());
      ByteBuffer nio = bytes.nioBuffer();
      try {
        while (nio.hasRemaining()) {
          file.write(nio);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    request.endHandler(v -> {
      try {
        file.force(false);
        file.close();
        Files.move(temporary, Path.of(dir, name));
        request.response().end("{\"sha256\":\"" + HexFormat.of().formatHex(digest.digest()) + "\"}");
      } catch (IOException e) {
        request.response().setStatusCode(500).end();
      }
      releaseOnce.run();
    });
    request.resume();
  }
}
