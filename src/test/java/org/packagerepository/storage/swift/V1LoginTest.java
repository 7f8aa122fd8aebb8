package org.packagerepository.storage.swift;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.packagerepository.storage.StorageError;
import org.packagerepository.storage.StorageException;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** v1 login against a real Swift with tempauth. */
class V1LoginTest {

  private static SwiftTestNode node;
  private final Vertx vertx = Vertx.vertx();
  private final HttpClient client = vertx.createHttpClient();

  @BeforeAll
  static void startSwift() throws Exception {
    node = SwiftTestNode.start();
  }

  @AfterAll
  static void stopSwift() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  @AfterEach
  void closeVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void theSessionsTokenWorksOnItsStorageUrlUntilItExpires() throws Exception {
    long before = System.nanoTime();
    SwiftSession session = new V1Login(client, node.authUrl(), node.user(), node.key()).get()
      .await(30, TimeUnit.SECONDS);
    assertTrue(session.storageUrl().endsWith("/v1/AUTH_test"), session.storageUrl());
    assertTrue(session.expiresAt() - before > TimeUnit.HOURS.toNanos(1), "tempauth's token lives a day here");
    assertEquals(2, headAccount(session.storageUrl(), session.token()) / 100);
    assertEquals(401, headAccount(session.storageUrl(), "not-a-token"), "the token is what lets the request in");
  }

  @Test
  void anAuthenticationServiceThatNeverAnswersFailsTheLoginInsteadOfHoldingIt() throws Exception {
    io.vertx.core.http.HttpServer silent = vertx.createHttpServer().requestHandler(request -> { })
      .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    Throwable e = assertThrows(Exception.class, () -> new V1Login(client,
      "http://127.0.0.1:" + silent.actualPort() + "/auth/v1.0", node.user(), node.key(), 500).get()
      .await(10, TimeUnit.SECONDS));
    StorageException unavailable = assertInstanceOf(StorageException.class, e);
    assertEquals(StorageError.UNAVAILABLE, unavailable.error());
    assertTrue(unavailable.getMessage().contains("cannot be reached"), unavailable.getMessage());
  }

  private int headAccount(String storageUrl, String token) throws Exception {
    return client.request(new RequestOptions().setMethod(HttpMethod.HEAD).setAbsoluteURI(storageUrl)
        .putHeader("X-Auth-Token", token))
      .compose(request -> request.send()).map(response -> response.statusCode()).await(30, TimeUnit.SECONDS);
  }

  @Test
  void wrongCredentialsAreRefusedWithAMessageNamingTheSettings() {
    Throwable e = assertThrows(Exception.class, () -> new V1Login(client, node.authUrl(), node.user(), "wrong").get()
      .await(30, TimeUnit.SECONDS));
    StorageException refused = assertInstanceOf(StorageException.class, e);
    assertEquals(StorageError.UNAVAILABLE, refused.error());
    assertTrue(refused.getMessage().contains("SwiftRepository.access"), refused.getMessage());
  }
}
