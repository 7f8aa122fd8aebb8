package org.packagerepository.http;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.packagerepository.metrics.Metrics;
import org.packagerepository.storage.StorageAddresses;
import org.packagerepository.storage.StorageBackend;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How much of an upload's body the server reads while storage is not ready for more: none of it before storage has
 * opened the upload, and no more than the transfer window (and what one socket read brings) while storage grants no
 * credit. The rest waits in the kernel's socket buffers, not on the heap. Storage is held back by holding its event-bus
 * messages; the client sends its whole body at once, without waiting for 100 Continue (as curl does after a second).
 * Bytes read are the server's own count ({@code vertx.http.server.bytes.read}).
 *
 * <p>That something does not happen can only be watched for a while: each test watches for {@link #WATCH}, far longer
 * than the server takes to read what it may (milliseconds).
 */
class UploadBodyReadsTest {

  private static final Duration WATCH = Duration.ofMillis(500);
  /** What may come with the request head in the socket read that carries it. */
  private static final long ONE_READ = 256 * 1024;
  private static final int BODY_BYTES = 8 * 1024 * 1024;

  @Test
  void noneOfTheBodyIsReadBeforeStorageHasOpenedTheUpload(@TempDir Path dir) throws Throwable {
    byte[] body = TestBytes.random(BODY_BYTES, 11);
    try (TestServer server = TestServer.onFileSystem(dir, new JsonObject());
         RawHttp client = RawHttp.connect(server.port())) {
      Held opens = Held.messages(server.vertx(), (address, message) -> address.equals(StorageAddresses.OPEN_WRITE));
      client.sendHead("PUT", "/packages/early-1.0.0.tar.gz", "Content-Length: " + body.length);
      CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> send(client, body));
      opens.first().get(15, TimeUnit.SECONDS);

      long read = watchBytesRead(server);
      assertTrue(read <= ONE_READ, "read " + read + " bytes before storage opened the upload");

      opens.release();
      sent.get(30, TimeUnit.SECONDS);
      RawHttp.Response stored = client.readResponse(false);
      assertEquals(200, stored.status(), stored.bodyText());
      assertArrayEquals(body, server.client().get("early-1.0.0.tar.gz").body());
    }
  }

  @Test
  void noMoreThanTheWindowIsReadWhileStorageGrantsNoCredit(@TempDir Path dir) throws Throwable {
    byte[] body = TestBytes.random(BODY_BYTES, 12);
    try (TestServer server = TestServer.onFileSystem(dir, new JsonObject());
         RawHttp client = RawHttp.connect(server.port())) {
      // The first grant (the whole window) goes through; later ones are held.
      boolean[] firstGrant = {true};
      Held grants = Held.messages(server.vertx(), (address, message) -> {
        if (!(message instanceof JsonObject json) || !"credit".equals(json.getString("type"))) {
          return false;
        }
        boolean hold = !firstGrant[0];
        firstGrant[0] = false;
        return hold;
      });
      client.sendHead("PUT", "/packages/behind-1.0.0.tar.gz", "Content-Length: " + body.length);
      CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> send(client, body));
      grants.first().get(15, TimeUnit.SECONDS);

      long window = StorageBackend.uploadWindowBytes(Runtime.getRuntime().maxMemory());
      Eventually.within(Duration.ofSeconds(15), () -> assertTrue(bytesRead(server) >= window));
      long read = watchBytesRead(server);
      assertTrue(read <= window + ONE_READ, "read " + read + " bytes with a window of " + window);

      grants.release();
      sent.get(30, TimeUnit.SECONDS);
      RawHttp.Response stored = client.readResponse(false);
      assertEquals(200, stored.status(), stored.bodyText());
      assertArrayEquals(body, server.client().get("behind-1.0.0.tar.gz").body());
    }
  }

  /** The most bytes the server has read by the end of {@link #WATCH}. */
  private static long watchBytesRead(TestServer server) throws InterruptedException {
    Thread.sleep(WATCH.toMillis());
    return bytesRead(server);
  }

  private static long bytesRead(TestServer server) {
    return (long) Metrics.prometheus(server.vertx()).get("vertx.http.server.bytes.read").functionCounter().count();
  }

  private static void send(RawHttp client, byte[] body) {
    try {
      client.send(body);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Event-bus messages held on their way out until released, in order, each on the context that sent it. */
  private static final class Held {

    private final List<Runnable> held = new ArrayList<>();
    private final CompletableFuture<Void> first = new CompletableFuture<>();
    private boolean released;

    interface Rule {
      boolean hold(String address, Object body);
    }

    static Held messages(Vertx vertx, Rule rule) {
      Held held = new Held();
      vertx.eventBus().addOutboundInterceptor((DeliveryContext<Object> delivery) -> {
        if (!held.hold(delivery, rule)) {
          delivery.next();
        }
      });
      return held;
    }

    private synchronized boolean hold(DeliveryContext<Object> delivery, Rule rule) {
      if (released || !rule.hold(delivery.message().address(), delivery.body())) {
        return false;
      }
      Context context = Vertx.currentContext();
      held.add(() -> context.runOnContext(v -> delivery.next()));
      first.complete(null);
      return true;
    }

    CompletableFuture<Void> first() {
      return first;
    }

    void release() {
      List<Runnable> out;
      synchronized (this) {
        released = true;
        out = new ArrayList<>(held);
        held.clear();
      }
      out.forEach(Runnable::run);
    }
  }
}
