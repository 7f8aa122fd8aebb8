package org.packagerepository.http;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With one upload slot and one waiting place: the second upload waits for its 100 Continue until the first is
 * stored, the third is refused with 503 and Retry-After before sending anything, and both accepted uploads are stored
 * byte-exact.
 */
class UploadSlotsApiTest {

  @Test
  void uploadsBeyondTheSlotsWaitAndBeyondTheWaitingRoomAreRefused(@TempDir Path dir) throws Exception {
    JsonObject config = new JsonObject()
      .put("FsRepository", new JsonObject().put("location", new JsonObject().put("path", dir.toString())))
      .put("config", new JsonObject().put("max_streaming_uploads", 1).put("max_waiting_uploads", 1));
    byte[] first = TestBytes.random(3 * 1024 * 1024, 1);
    byte[] queued = TestBytes.random(1024 * 1024, 2);
    try (TestServer server = TestServer.start(config);
         RawHttp a = RawHttp.connect(server.port());
         RawHttp b = RawHttp.connect(server.port());
         RawHttp c = RawHttp.connect(server.port())) {
      a.sendHead("PUT", "/packages/a-1.0.0.tar.gz", "Content-Length: " + first.length, "Expect: 100-continue");
      assertEquals(100, a.readResponse(false).status());
      a.send(first, 0, first.length / 2);

      // b and c reach the server on either event loop in either order: one waits, the other is refused.
      b.sendHead("PUT", "/packages/b-1.0.0.tar.gz", "Content-Length: " + queued.length, "Expect: 100-continue");
      c.sendHead("PUT", "/packages/b-1.0.0.tar.gz", "Content-Length: " + queued.length, "Expect: 100-continue");
      CompletableFuture<RawHttp.Response> fromB = CompletableFuture.supplyAsync(() -> read(b));
      CompletableFuture<RawHttp.Response> fromC = CompletableFuture.supplyAsync(() -> read(c));
      CompletableFuture.anyOf(fromB, fromC).get(15, TimeUnit.SECONDS);
      boolean bWaits = fromC.isDone() && !fromB.isDone();
      RawHttp waiter = bWaits ? b : c;
      CompletableFuture<RawHttp.Response> waiterAnswer = bWaits ? fromB : fromC;
      RawHttp.Response refused = (bWaits ? fromC : fromB).get(15, TimeUnit.SECONDS);
      assertEquals(503, refused.status(), refused.bodyText());
      assertEquals("5", refused.header("retry-after"));
      assertTrue(new JsonObject(refused.bodyText()).getString("error").contains("busy"), refused.bodyText());
      assertFalse(waiterAnswer.isDone(), "the waiting upload must not be told to send its body yet");

      a.send(first, first.length / 2, first.length - first.length / 2);
      RawHttp.Response storedA = a.readResponse(false);
      assertEquals(200, storedA.status(), storedA.bodyText());

      RawHttp.Response go = waiterAnswer.get(15, TimeUnit.SECONDS);
      assertEquals(100, go.status());
      waiter.send(queued);
      RawHttp.Response storedB = waiter.readResponse(false);
      assertEquals(200, storedB.status(), storedB.bodyText());

      ApiClient client = server.client();
      assertArrayEquals(first, client.get("a-1.0.0.tar.gz").body());
      assertArrayEquals(queued, client.get("b-1.0.0.tar.gz").body());
      assertNotNull(client.upload("c-1.0.0.tar.gz", queued), "the slot is free again");
    }
  }

  private static RawHttp.Response read(RawHttp http) {
    try {
      return http.readResponse(false);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
