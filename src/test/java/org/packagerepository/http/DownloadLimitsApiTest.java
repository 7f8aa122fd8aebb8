package org.packagerepository.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.packagerepository.auth.TokenHash;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fair share of downloads ({@code config.limits}, a user's own {@code max_downloads}, {@code config.trusted_proxies})
 * and what {@code /stats} and {@code /metrics} show of the downloads in flight, on the file-system backend. A slow
 * download is a client that reads the head of its answer and then nothing: the package is larger than the sockets'
 * buffers, so the server holds it in flight until the client goes.
 */
class DownloadLimitsApiTest {

  private static final String APP = "app-1.0.0.tar.gz";
  private static final byte[] BIG = TestBytes.random(32 * 1024 * 1024, 7);
  private static final String CI_TOKEN = "ci-token-0123456789";
  private static final String DEPLOY_TOKEN = "deploy-token-0123456789";

  @TempDir
  Path packages;
  private TestServer server;
  private ApiClient api;
  private final List<SlowDownload> slow = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (SlowDownload download : slow) {
      download.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private void start(JsonObject settings) throws Exception {
    server = TestServer.onFileSystem(packages, settings);
    api = server.client();
    String[] auth = settings.containsKey("auth") ? basic("deploy", DEPLOY_TOKEN) : new String[0];
    assertEquals(200, api.put(APP, BIG, auth).statusCode());
  }

  private SlowDownload slowFrom(String localAddress, String... headerLines) throws IOException {
    SlowDownload download = new SlowDownload(server.port(), localAddress, "/packages/" + APP, headerLines);
    slow.add(download);
    return download;
  }

  @Test
  void aClientBeyondItsShareIs429WithRetryAfterAndAnotherClientIsServed() throws Throwable {
    start(new JsonObject().put("limits", new JsonObject().put("max_downloads_per_client", 2)));
    assertEquals(200, slowFrom("127.0.0.1").status());
    assertEquals(200, slowFrom("127.0.0.1").status());

    RawHttp.Response third = RawHttp.exchange(server.port(), "GET", "/packages/" + APP, null);
    assertEquals(429, third.status(), third.statusLine());
    assertEquals(String.valueOf(DownloadAdmission.RETRY_AFTER_SECONDS), third.header("retry-after"));
    assertTrue(new JsonObject(third.bodyText()).getString("error").contains("at most 2"), third.bodyText());

    // Another address is another client: served in full while the first holds its share.
    assertEquals(TestBytes.sha256Hex(BIG), TestBytes.sha256Hex(fetchFrom("127.0.0.2", APP)));

    // HEAD is not a download, and a download that ends gives its place back.
    assertEquals(200, api.head(APP).statusCode());
    slow.get(0).close();
    Eventually.within(Duration.ofSeconds(10), () -> assertEquals(200, api.get(APP).statusCode()));
    assertArrayEquals(BIG, api.get(APP).body());
  }

  @Test
  void aUsersOwnMaxDownloadsComesBeforeTheDefault() throws Throwable {
    JsonObject users = new JsonObject()
      .put("ci", user(CI_TOKEN).put("permissions", new JsonArray().add("read")))
      .put("deploy", user(DEPLOY_TOKEN).put("permissions", new JsonArray().add("read").add("write"))
        .put("max_downloads", 3));
    start(new JsonObject().put("auth", new JsonObject().put("users", users))
      .put("limits", new JsonObject().put("max_downloads_per_client", 1)));

    assertEquals(200, slowFrom("127.0.0.1", basicLine("ci", CI_TOKEN)).status());
    assertEquals(429, api.get(APP, basic("ci", CI_TOKEN)).statusCode());

    // The deploy account's three come on top of ci's one, from the same address: users are counted, not addresses.
    for (int i = 0; i < 3; i++) {
      assertEquals(200, slowFrom("127.0.0.1", basicLine("deploy", DEPLOY_TOKEN)).status());
    }
    HttpResponse<byte[]> fourth = api.get(APP, basic("deploy", DEPLOY_TOKEN));
    assertEquals(429, fourth.statusCode());
    assertTrue(new String(fourth.body(), StandardCharsets.UTF_8).contains("at most 3"));

    // Refused before anything else is looked at: a user without credentials is still asked for them first.
    assertEquals(401, api.get(APP).statusCode());
  }

  @Test
  void theServersBoundIs503WithRetryAfter() throws Throwable {
    start(new JsonObject().put("limits", new JsonObject().put("max_downloads", 2)));
    assertEquals(200, slowFrom("127.0.0.1").status());
    assertEquals(200, slowFrom("127.0.0.2").status());
    RawHttp.Response refused = RawHttp.exchange(server.port(), "GET", "/packages/" + APP, null);
    assertEquals(503, refused.status(), refused.statusLine());
    assertNotNull(refused.header("retry-after"));

    PrometheusText metrics = new PrometheusText(api.call("GET", "/metrics").body());
    assertEquals(2, metrics.sum("pr_downloads_active"));
    assertEquals(1, metrics.sum("pr_downloads_refused_total", "reason", "server_limit"));
    assertEquals(0, metrics.sum("pr_downloads_refused_total", "reason", "client_limit"));
  }

  @Test
  void forwardedForNamesTheClientOnlyFromATrustedProxy() throws Throwable {
    start(new JsonObject().put("limits", new JsonObject().put("max_downloads_per_client", 1))
      .put("trusted_proxies", new JsonArray().add("127.0.0.2/32")));
    // Through the proxy: two clients behind it are two clients, and one of them is held to its share.
    assertEquals(200, slowFrom("127.0.0.2", "X-Forwarded-For: 10.0.0.1").status());
    assertEquals(200, slowFrom("127.0.0.2", "X-Forwarded-For: 10.0.0.2").status());
    assertEquals(429, statusFrom("127.0.0.2", "X-Forwarded-For: 10.0.0.1"));
    // A proxy's own address before the client's, as a chain of proxies writes it, names the same client.
    assertEquals(429, statusFrom("127.0.0.2", "X-Forwarded-For: 10.0.0.1, 127.0.0.2"));
    // A proxy that adds a line of its own: the client's line first proves nothing, the proxy's names the client.
    assertEquals(429, statusFrom("127.0.0.2", "X-Forwarded-For: 10.9.9.9", "X-Forwarded-For: 10.0.0.1"));

    // From anywhere else the header proves nothing: the connection's own address is the client.
    assertEquals(200, slowFrom("127.0.0.3", "X-Forwarded-For: 10.0.0.9").status());
    assertEquals(429, statusFrom("127.0.0.3", "X-Forwarded-For: 10.0.0.8"));
  }

  @Test
  void statsAndMetricsShowTheDownloadsInFlight() throws Throwable {
    start(new JsonObject());
    byte[] small = TestBytes.random(1000, 8);
    assertEquals(200, api.put("lib-2.0.0.tar.gz", small).statusCode());
    for (int i = 0; i < 3; i++) {
      slowFrom("127.0.0.1");
    }
    assertArrayEquals(small, api.get("lib-2.0.0.tar.gz").body());

    JsonObject downloads = new JsonObject(api.call("GET", "/stats").body()).getJsonObject("downloads");
    assertEquals(3, downloads.getInteger("active"), downloads.encode());
    JsonArray versions = downloads.getJsonArray("versions");
    assertEquals(1, versions.size(), "only versions being downloaded now: " + versions.encode());
    assertEquals(APP, versions.getJsonObject(0).getString("file"));
    assertEquals(3, versions.getJsonObject(0).getInteger("active"));
    assertTrue(versions.getJsonObject(0).getLong("bytes_sent") > 0, versions.encode());

    PrometheusText metrics = new PrometheusText(api.call("GET", "/metrics").body());
    assertEquals(3, metrics.sum("pr_downloads_active"));
    assertTrue(metrics.has("pr_downloads_refused_total"));
    assertTrue(api.call("GET", "/metrics").body().lines().filter(l -> l.startsWith("pr_downloads"))
      .noneMatch(l -> l.contains(APP)), "never a package name as a label");

    for (SlowDownload download : slow) {
      download.close();
    }
    Eventually.within(Duration.ofSeconds(10), () -> assertEquals(0,
      new JsonObject(api.call("GET", "/stats").body()).getJsonObject("downloads").getInteger("active")));
  }

  private int statusFrom(String localAddress, String... headerLines) throws IOException {
    try (SlowDownload download = new SlowDownload(server.port(), localAddress, "/packages/" + APP, headerLines)) {
      return download.status();
    }
  }

  private byte[] fetchFrom(String localAddress, String file) throws IOException {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(localAddress, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
      socket.setSoTimeout(15_000);
      socket.getOutputStream().write(("GET /packages/" + file + " HTTP/1.1\r\nHost: localhost\r\nConnection: close"
        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      String head = SlowDownload.readHead(in);
      assertTrue(head.startsWith("HTTP/1.1 200"), head);
      return in.readAllBytes();
    }
  }

  private static JsonObject user(String token) {
    return new JsonObject().put("token", TokenHash.format(token));
  }

  private static String basicLine(String user, String token) {
    return "Authorization: Basic " + Base64.getEncoder()
      .encodeToString((user + ":" + token).getBytes(StandardCharsets.UTF_8));
  }

  private static String[] basic(String user, String token) {
    String line = basicLine(user, token);
    return new String[] {"Authorization", line.substring(line.indexOf(' ') + 1)};
  }
}
