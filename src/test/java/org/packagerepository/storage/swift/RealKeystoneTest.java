package org.packagerepository.storage.swift;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.packagerepository.http.ApiClient;
import org.packagerepository.http.Eventually;
import org.packagerepository.http.TestBytes;
import org.packagerepository.http.TestServer;
import org.packagerepository.storage.StorageException;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keystone v3 for real: Debian's Keystone, started with the Swift node, whose proxy checks tokens with it. The user
 * lives in another domain than its project, as in many clouds; the object-store endpoint comes from the catalog.
 * (Keystone dropped v2.0 long ago: {@link KeystoneLoginTest} covers v2.0 against an endpoint that follows that API.)
 */
class RealKeystoneTest {

  private static SwiftTestNode node;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void startSwiftWithKeystone() throws Exception {
    node = SwiftTestNode.startWithKeystone();
  }

  @AfterAll
  static void stopSwift() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  /** What sourcing the project's openrc file gives. */
  private static JsonObject openrc(String password, String container) {
    return new JsonObject()
      .put("access", new JsonObject().put("auth_url", node.keystoneUrl()).put("account", "apps").put("user", "deployer")
        .put("key", password).put("user_domain_name", "users").put("project_domain_name", "Default")
        .put("region_name", "RegionOne").put("auth_version", "3"))
      .put("container", new JsonObject().put("container", container).put("path", "releases"));
  }

  @Test
  void packagesGoToTheProjectsContainerAndATokenRevokedByKeystoneIsReplaced() throws Throwable {
    try (TestServer server = TestServer.start(new JsonObject().put("SwiftRepository", openrc("secret", "real")))) {
      ApiClient api = server.client();
      byte[] small = TestBytes.random(1000, 1);
      byte[] large = TestBytes.random(5 * 1024 * 1024 + 3, 2);
      api.upload("ks-1.0.0.tar.gz", small);
      assertEquals(200, api.putChunked("ks-2.0.0.tar.gz", large).statusCode());
      assertArrayEquals(large, api.get("ks-2.0.0.tar.gz").body());

      // Swift's own client, logged in the same way, sees them in the project's account.
      List<String> auth = List.of("--auth-version", "3", "--os-auth-url", node.keystoneUrl(), "--os-username", "deployer",
        "--os-user-domain-name", "users", "--os-project-name", "apps", "--os-project-domain-name", "Default",
        "--os-password", "secret");
      assertEquals(List.of("releases/ks-1.0.0.tar.gz", "releases/ks-2.0.0.tar.gz"), SwiftCli.runWith(auth, "list", "real"));

      // Disabling a user revokes every token it has; enabled again, it logs in anew. Keystone revokes by the second:
      // a token issued in the second of the revocation is revoked too, so first wait until new tokens work.
      setEnabled("deployer", false);
      setEnabled("deployer", true);
      Eventually.within(Duration.ofSeconds(10), () -> SwiftCli.runWith(auth, "stat"));
      assertArrayEquals(small, api.get("ks-1.0.0.tar.gz").body(), "the server logged in again");
      assertEquals(200, api.delete("ks-1.0.0.tar.gz").statusCode());
      assertEquals(200, api.delete("ks-2.0.0.tar.gz").statusCode());
      assertEquals(List.of(), SwiftCli.runWith(auth, "list", "real"));
    }
  }

  @Test
  void aWrongPasswordAndAnEndpointTheCatalogLacksAreRefusedNamingTheSettings() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Throwable wrong = assertThrows(Exception.class, () -> new KeystoneLogin(vertx.createHttpClient(),
        SwiftSettings.fromJson(openrc("wrong", "real"))).get().await(30, TimeUnit.SECONDS));
      assertTrue(assertInstanceOf(StorageException.class, wrong).getMessage().contains("SwiftRepository.access"),
        wrong.getMessage());
      JsonObject elsewhere = openrc("secret", "real");
      elsewhere.getJsonObject("access").put("region_name", "RegionTwo");
      Throwable noEndpoint = assertThrows(Exception.class, () -> new KeystoneLogin(vertx.createHttpClient(),
        SwiftSettings.fromJson(elsewhere)).get().await(30, TimeUnit.SECONDS));
      assertTrue(noEndpoint.getMessage().contains("region_name"), noEndpoint.getMessage());
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** Enables or disables a user of domain {@code users}, as Keystone's admin. */
  private static void setEnabled(String user, boolean enabled) throws Exception {
    String adminAuth = new JsonObject().put("auth", new JsonObject()
      .put("identity", new JsonObject().put("methods", new io.vertx.core.json.JsonArray().add("password"))
        .put("password", new JsonObject().put("user", new JsonObject().put("name", "admin")
          .put("domain", new JsonObject().put("name", "Default")).put("password", node.keystoneAdminPassword()))))
      .put("scope", new JsonObject().put("project", new JsonObject().put("name", "admin")
        .put("domain", new JsonObject().put("name", "Default"))))).encode();
    HttpResponse<String> login = HTTP.send(HttpRequest.newBuilder(URI.create(node.keystoneUrl() + "/auth/tokens"))
      .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(adminAuth)).build(),
      HttpResponse.BodyHandlers.ofString());
    String token = login.headers().firstValue("X-Subject-Token").orElseThrow();
    String id = new JsonObject(HTTP.send(HttpRequest.newBuilder(URI.create(node.keystoneUrl() + "/users?name=" + user))
      .header("X-Auth-Token", token).GET().build(), HttpResponse.BodyHandlers.ofString()).body())
      .getJsonArray("users").getJsonObject(0).getString("id");
    HttpResponse<String> patch = HTTP.send(HttpRequest.newBuilder(URI.create(node.keystoneUrl() + "/users/" + id))
      .header("X-Auth-Token", token).header("Content-Type", "application/json")
      .method("PATCH", HttpRequest.BodyPublishers.ofString(new JsonObject().put("user", new JsonObject()
        .put("enabled", enabled)).encode())).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, patch.statusCode(), patch.body());
  }
}
