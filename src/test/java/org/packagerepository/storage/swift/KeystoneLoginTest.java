package org.packagerepository.storage.swift;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.packagerepository.http.ApiClient;
import org.packagerepository.http.TestBytes;
import org.packagerepository.http.TestServer;
import org.packagerepository.storage.StorageException;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keystone v3 and v2.0 logins against a token endpoint in the test that checks the request body as the Identity API
 * defines it and answers with a real tempauth token and the real storage URL of a Swift node, so that the session
 * obtained must work on real Swift. The catalog also lists decoys: another service, another region, another interface.
 */
class KeystoneLoginTest {

  private static SwiftTestNode node;
  private static Vertx vertx;
  private static HttpClient client;
  private static HttpServer keystone;
  private static final java.util.concurrent.atomic.AtomicInteger LOGINS = new java.util.concurrent.atomic.AtomicInteger();
  private static String realStorageUrl;

  @BeforeAll
  static void startSwiftAndKeystone() throws Exception {
    node = SwiftTestNode.start();
    vertx = Vertx.vertx();
    client = vertx.createHttpClient();
    SwiftSession real = new V1Login(client, node.authUrl(), node.user(), node.key()).get().await(30, TimeUnit.SECONDS);
    realStorageUrl = real.storageUrl();
    keystone = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      LOGINS.incrementAndGet();
      // Each login hands out tempauth's current token: a new one once the old one was revoked.
      new V1Login(client, node.authUrl(), node.user(), node.key()).get().onSuccess(fresh -> answer(request, body,
        fresh.token()));
    })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  private static void answer(io.vertx.core.http.HttpServerRequest request, io.vertx.core.buffer.Buffer body,
                             String realToken) {
    {
      JsonObject json = new JsonObject(body);
      if (request.method() == HttpMethod.POST && request.path().equals("/v3/auth/tokens")) {
        JsonObject auth = json.getJsonObject("auth");
        JsonObject user = auth.getJsonObject("identity").getJsonObject("password").getJsonObject("user");
        JsonObject project = auth.getJsonObject("scope").getJsonObject("project");
        boolean ok = auth.getJsonObject("identity").getJsonArray("methods").equals(new JsonArray().add("password"))
          && "deployer".equals(user.getString("name")) && "secret".equals(user.getString("password"))
          && "users".equals(user.getJsonObject("domain").getString("name"))
          && "apps".equals(project.getString("name")) && "Default".equals(project.getJsonObject("domain").getString("name"));
        if (!ok) {
          request.response().setStatusCode(401).end(new JsonObject().put("error", json).encode());
          return;
        }
        request.response().setStatusCode(201).putHeader("X-Subject-Token", realToken).end(new JsonObject()
          .put("token", new JsonObject().put("expires_at", Instant.now().plusSeconds(3600).toString())
            .put("catalog", new JsonArray()
              .add(new JsonObject().put("type", "identity").put("endpoints", new JsonArray()
                .add(endpoint("public", "RegionTwo", "http://127.0.0.1:1/identity"))))
              .add(new JsonObject().put("type", "object-store").put("endpoints", new JsonArray()
                .add(endpoint("public", "RegionOne", "http://127.0.0.1:1/wrong-region"))
                .add(endpoint("internal", "RegionTwo", "http://127.0.0.1:1/wrong-interface"))
                .add(endpoint("public", "RegionTwo", realStorageUrl))))))
          .encode());
      } else if (request.method() == HttpMethod.POST && request.path().equals("/v2.0/tokens")) {
        JsonObject auth = json.getJsonObject("auth");
        JsonObject credentials = auth.getJsonObject("passwordCredentials");
        boolean ok = "apps".equals(auth.getString("tenantName")) && "deployer".equals(credentials.getString("username"))
          && "secret".equals(credentials.getString("password"));
        if (!ok) {
          request.response().setStatusCode(401).end();
          return;
        }
        request.response().setStatusCode(200).end(new JsonObject().put("access", new JsonObject()
          .put("token", new JsonObject().put("id", realToken).put("expires", Instant.now().plusSeconds(3600).toString()))
          .put("serviceCatalog", new JsonArray().add(new JsonObject().put("type", "object-store")
            .put("endpoints", new JsonArray()
              .add(new JsonObject().put("region", "RegionOne").put("publicURL", "http://127.0.0.1:1/wrong-region"))
              .add(new JsonObject().put("region", "RegionTwo").put("publicURL", realStorageUrl)
                .put("internalURL", "http://127.0.0.1:1/wrong-interface"))))))
          .encode());
      } else {
        request.response().setStatusCode(404).end();
      }
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    if (node != null) {
      node.close();
    }
  }

  private static JsonObject endpoint(String interfaceName, String region, String url) {
    return new JsonObject().put("interface", interfaceName).put("region", region).put("region_id", region).put("url", url);
  }

  private SwiftSettings settings(String version, String password) {
    return SwiftSettings.fromJson(section(version, password));
  }

  private JsonObject section(String version, String password) {
    return new JsonObject()
      .put("access", new JsonObject().put("auth_url", "http://127.0.0.1:" + keystone.actualPort() + "/" + version)
        .put("account", "apps").put("user", "deployer").put("key", password).put("user_domain_name", "users")
        .put("region_name", "RegionTwo"))
      .put("container", new JsonObject().put("container", "packages"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"v3", "v2.0"})
  void aServerConfiguredLikeAnOpenrcStoresInRealSwiftAndLogsInAgainWhenItsTokenIsRevoked(String version)
    throws Exception {
    JsonObject section = section(version, "secret");
    String container = "keystone-" + version.replace(".", "");
    section.getJsonObject("container").put("container", container);
    SwiftTestAccount account = new SwiftTestAccount(node);
    try (TestServer server = TestServer.start(new JsonObject().put("SwiftRepository", section))) {
      ApiClient api = server.client();
      byte[] small = TestBytes.random(1000, 1);
      byte[] large = TestBytes.random(5 * 1024 * 1024 + 3, 2);
      api.upload("ks-1.0.0.tar.gz", small);
      api.upload("ks-2.0.0.tar.gz", large);
      assertArrayEquals(large, api.get("ks-2.0.0.tar.gz").body());
      assertEquals(List.of("ks-1.0.0.tar.gz", "ks-2.0.0.tar.gz"), account.names(container), "in the real container");

      int logins = LOGINS.get();
      node.revokeTokens();
      assertArrayEquals(small, api.get("ks-1.0.0.tar.gz").body());
      assertEquals(logins + 1, LOGINS.get(), "one new login at Keystone after the 401");
      assertEquals(200, api.delete("ks-1.0.0.tar.gz").statusCode());
      assertEquals(200, api.delete("ks-2.0.0.tar.gz").statusCode());
    } finally {
      account.deleteContainer(container);
      account.deleteContainer(container + "_segments");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"v3", "v2.0"})
  void theSessionIsTheRealTokenAtTheCatalogsEndpointForTheRegionAndInterface(String version) throws Exception {
    SwiftSession session = new KeystoneLogin(client, settings(version, "secret")).get().await(30, TimeUnit.SECONDS);
    assertEquals(realStorageUrl, session.storageUrl());
    assertEquals(new V1Login(client, node.authUrl(), node.user(), node.key()).get().await(30, TimeUnit.SECONDS).token(),
      session.token(), "tempauth's current token");
    long lifeMinutes = TimeUnit.NANOSECONDS.toMinutes(session.expiresAt() - System.nanoTime());
    assertTrue(lifeMinutes >= 58 && lifeMinutes <= 60, "expires_at read: " + lifeMinutes + " min");
    int status = client.request(new RequestOptions().setMethod(HttpMethod.HEAD).setAbsoluteURI(session.storageUrl())
        .putHeader("X-Auth-Token", session.token()))
      .compose(request -> request.send()).map(response -> response.statusCode()).await(30, TimeUnit.SECONDS);
    assertEquals(2, status / 100, "the token works on real Swift");
  }

  @ParameterizedTest
  @ValueSource(strings = {"v3", "v2.0"})
  void aWrongPasswordIsRefusedWithAMessageNamingTheSettings(String version) {
    Throwable e = assertThrows(Exception.class, () -> new KeystoneLogin(client, settings(version, "wrong")).get()
      .await(30, TimeUnit.SECONDS));
    assertTrue(assertInstanceOf(StorageException.class, e).getMessage().contains("SwiftRepository.access"), e.getMessage());
  }
}
