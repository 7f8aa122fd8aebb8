package org.packagerepository.storage.swift;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.packagerepository.http.TestBytes;
import org.packagerepository.http.TestServer;
import org.packagerepository.storage.remote.RedirectContract;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Downloads redirected to TempURLs of a one-node Swift whose proxy runs the {@code tempurl} middleware; the account's
 * {@code Temp-URL-Key} is set once, as an operator would; each test has a container of its own.
 */
class SwiftRedirectTest extends RedirectContract {

  private static final String TEMP_URL_KEY = "temp-url-key-0123456789";

  private static SwiftTestNode node;
  private static SwiftTestAccount account;
  private static int containers;
  private String container;

  @BeforeAll
  static void startNode() throws Exception {
    node = SwiftTestNode.start();
    account = new SwiftTestAccount(node);
    account.setTempUrlKey(TEMP_URL_KEY);
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  @Override
  protected void freshStorage() {
    container = "redirected" + ++containers;
  }

  @Override
  protected JsonObject config(JsonObject redirect) {
    JsonObject section = account.section(container, "releases")
      .put("redirect", redirect.copy().put("temp_url_key", TEMP_URL_KEY));
    return new JsonObject().put("SwiftRepository", section);
  }

  @Test
  void aStaticLargeObjectIsServedWholeThroughItsTempUrl() throws Exception {
    JsonObject config = config(new JsonObject().put("enabled", true));
    config.getJsonObject("SwiftRepository").getJsonObject("container").put("segment_size", 1024 * 1024);
    byte[] bytes = TestBytes.random(5 * 1024 * 1024 + 17, 10);
    try (TestServer server = TestServer.start(config)) {
      server.client().upload("big-1.0.0.tar.gz", bytes);
      assertEquals(6, account.segmentsOf(container, "releases/big-1.0.0.tar.gz").size(), "a Static Large Object");

      HttpResponse<byte[]> redirect = server.client().get("big-1.0.0.tar.gz");
      assertEquals(307, redirect.statusCode());
      HttpResponse<byte[]> fromSwift = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(redirect.headers().firstValue("Location").orElseThrow())).build(), HttpResponse.BodyHandlers.ofByteArray());

      assertEquals(200, fromSwift.statusCode());
      assertEquals(TestBytes.sha256Hex(bytes), TestBytes.sha256Hex(fromSwift.body()));
    }
  }

  /** Swift's tempurl middleware answers 401 to a signature that does not match or has expired. */
  @Override
  protected List<Integer> refusedByTheStore() {
    return List.of(401);
  }
}
