package org.packagerepository.events;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.packagerepository.http.ApiClient;
import org.packagerepository.http.TestBytes;
import org.packagerepository.http.TestServer;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code config.package_callback}: a test HTTP server receives what the repository posts after its PUTs and DELETEs.
 */
class PackageCallbackTest {

  @TempDir
  Path packages;

  private final Vertx vertx = Vertx.vertx();
  private final BlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
  /** How the callback answers the next posts: a status, 0 for no answer at all, or -1 to answer when the test says. */
  private final BlockingQueue<Integer> answers = new LinkedBlockingQueue<>();
  private final BlockingQueue<io.vertx.core.http.HttpServerResponse> held = new LinkedBlockingQueue<>();
  private final AtomicInteger unanswered = new AtomicInteger();
  private HttpServer callback;
  private TestServer server;

  @BeforeEach
  void startCallback() throws Exception {
    callback = vertx.createHttpServer().requestHandler(this::receive).listen(0, "127.0.0.1")
      .await(10, TimeUnit.SECONDS);
  }

  private void receive(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      assertEquals("POST", request.method().name());
      assertEquals("/hooks/packages", request.path());
      assertEquals("application/json", request.getHeader("Content-Type"));
      received.add(new JsonObject(body));
      Integer status = answers.poll();
      if (status == null) {
        request.response().setStatusCode(200).end();
      } else if (status == 0) {
        unanswered.incrementAndGet();
      } else if (status == -1) {
        held.add(request.response());
      } else {
        request.response().setStatusCode(status).end();
      }
    });
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (server != null) {
        server.close();
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private ApiClient start() throws Exception {
    server = TestServer.onFileSystem(packages, new JsonObject()
      .put("package_callback", "http://127.0.0.1:" + callback.actualPort() + "/hooks/packages"));
    return server.client();
  }

  private JsonObject next() throws InterruptedException {
    JsonObject post = received.poll(30, TimeUnit.SECONDS);
    assertNotNull(post, "the callback was called");
    return post;
  }

  /** The events of the next post, each checked for its time; returned as id/state. */
  private List<String> nextEvents(long notBefore) throws InterruptedException {
    JsonObject post = next();
    long now = System.currentTimeMillis();
    assertEquals(2, post.size(), () -> "data and timestamp, nothing else: " + post);
    long sentAt = post.getLong("timestamp");
    assertTrue(sentAt >= notBefore && sentAt <= now, post::encode);
    JsonArray data = post.getJsonArray("data");
    return data.stream().map(e -> (JsonObject) e).map(event -> {
      assertEquals(3, event.size(), () -> "id, state and timestamp, nothing else: " + event);
      long at = event.getLong("timestamp");
      assertTrue(at >= notBefore && at <= sentAt, event::encode);
      return event.getString("id") + "/" + event.getString("state");
    }).toList();
  }

  @Test
  void aPutAndADeleteArePostedInTheOriginalsForm() throws Exception {
    ApiClient api = start();
    long before = System.currentTimeMillis();
    api.upload("app-1.0.0.tar.gz", TestBytes.random(1000, 1));
    assertEquals(List.of("app-1.0.0/CREATED"), nextEvents(before));
    assertEquals(200, api.delete("app-1.0.0.tar.gz").statusCode());
    assertEquals(List.of("app-1.0.0/NOTCREATED"), nextEvents(before));

    // Refused changes are not events.
    assertEquals(400, api.put("app-1.0.1.tar.gz", new byte[10], "X-Checksum-Sha256", "0".repeat(64)).statusCode());
    assertEquals(404, api.delete("app-1.0.0.tar.gz").statusCode());
    api.upload("app-1.0.2.tar.gz", TestBytes.random(10, 2));
    assertEquals(List.of("app-1.0.2/CREATED"), nextEvents(before), "the next event is the next change");
  }

  @Test
  void aFailedPostIsSentAgain() throws Exception {
    ApiClient api = start();
    answers.add(503);
    long before = System.currentTimeMillis();
    api.upload("app-2.0.0.tar.gz", TestBytes.random(100, 3));
    assertEquals(List.of("app-2.0.0/CREATED"), nextEvents(before), "refused with 503");
    assertEquals(List.of("app-2.0.0/CREATED"), nextEvents(before), "sent again");
  }

  @Test
  void aCallbackThatNeverAnswersSlowsNoRequest() throws Exception {
    ApiClient api = start();
    answers.add(0);
    byte[] bytes = TestBytes.random(1000, 4);
    long before = System.currentTimeMillis();
    for (int i = 0; i < 20; i++) {
      api.upload("app-3.0." + i + ".tar.gz", bytes);
      assertArrayEquals(bytes, api.get("app-3.0." + i + ".tar.gz").body());
    }
    assertEquals(List.of("app-3.0.0/CREATED"), nextEvents(before), "the first post, which hangs");
    assertEquals(1, unanswered.get(), "every request above was answered while the callback hung");
    assertEquals(0, received.size(), "the others wait for it");
  }

  @Test
  void eventsStillQueuedAtAStopAreSentBeforeItEnds() throws Exception {
    ApiClient api = start();
    answers.add(-1);
    long before = System.currentTimeMillis();
    api.upload("app-4.0.0.tar.gz", TestBytes.random(10, 5));
    assertEquals(List.of("app-4.0.0/CREATED"), nextEvents(before), "the first post, held by the callback");
    api.upload("app-4.0.1.tar.gz", TestBytes.random(10, 6));
    api.upload("app-4.0.2.tar.gz", TestBytes.random(10, 7));

    io.vertx.core.Future<Void> stopped = server.stopAsync();
    // The stop waits for the callback: the HTTP side is down, the two events behind the held post still queued.
    held.poll(10, TimeUnit.SECONDS).setStatusCode(200).end();
    // In one post or two, depending on whether the second event had reached the queue when the first was taken.
    List<String> sent = new java.util.ArrayList<>(nextEvents(before));
    if (sent.size() == 1) {
      sent.addAll(nextEvents(before));
    }
    assertEquals(List.of("app-4.0.1/CREATED", "app-4.0.2/CREATED"), sent, "sent during the stop");
    TestServer.await(stopped);
  }
}
