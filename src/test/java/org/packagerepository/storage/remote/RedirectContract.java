package org.packagerepository.storage.remote;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.packagerepository.auth.TokenHash;
import org.packagerepository.http.ApiClient;
import org.packagerepository.http.OpenApiDocumentTest;
import org.packagerepository.http.SlowDownload;
import org.packagerepository.http.PrometheusText;
import org.packagerepository.http.TestBytes;
import org.packagerepository.http.TestServer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Downloads redirected to the store ({@code redirect.enabled}), through the HTTP API, written once and run against
 * each remote backend on its real server: the {@code 307}, a client that follows it (as {@code curl -L} does) getting
 * the exact bytes from the store, what is never redirected, access checked before, and the store checking the
 * signature and its expiry.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class RedirectContract {

  /** An awkward size: not a multiple of any buffer size. */
  private static final int SIZE = 1_000_003;
  private static final String APP = "app-1.0.0.tar.gz";
  private static final String READER = "reader-token-0123456789";
  private static final String WRITER = "writer-token-0123456789";

  /** Follows redirects as curl -L does: the same method and headers to the Location. */
  private static final HttpClient FOLLOWING = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
    .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NORMAL).build();
  /** Goes to a URL it is given, with nothing else: what a client does with a redirect's Location. */
  private static final HttpClient PLAIN = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
    .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();

  private TestServer server;
  private ApiClient api;

  /** A new, empty place in the store (bucket, container) for this test. */
  protected abstract void freshStorage() throws Exception;

  /** A pr-config.json on this test's place in the store, with the backend's {@code redirect} group {@code redirect}. */
  protected abstract JsonObject config(JsonObject redirect);

  /** What the store answers to a signed URL whose signature does not match (401 or 403). */
  protected abstract List<Integer> refusedByTheStore();

  @BeforeEach
  void fresh() throws Exception {
    freshStorage();
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private void start(JsonObject redirect) throws Exception {
    start(redirect, new JsonObject());
  }

  private void start(JsonObject redirect, JsonObject settings) throws Exception {
    server = TestServer.start(config(redirect).put("config", settings));
    api = server.client();
  }

  private static JsonObject always() {
    return new JsonObject().put("enabled", true).put("expires_seconds", 60);
  }

  private static HttpResponse<byte[]> fetch(HttpClient client, URI uri, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET();
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private URI packageUri(String file) {
    return server.uri("/packages/" + file);
  }

  /**
   * A 307 to the store, as the server and its OpenAPI document describe it: Location, not cached, the URL in the JSON
   * body too.
   */
  private static URI assertRedirected(HttpResponse<byte[]> response) {
    assertEquals(307, response.statusCode(), () -> new String(response.body()));
    String location = response.headers().firstValue("Location").orElseThrow();
    assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""));
    assertEquals(new JsonObject().put("redirect", location), new JsonObject(new String(response.body())));
    assertFalse(response.headers().firstValue("ETag").isPresent(), "no entity of ours is described");
    OpenApiDocumentTest.assertDocumented(response);
    return URI.create(location);
  }

  @Test
  void aGetIsRedirectedToTheStoreWhichServesTheExactBytes() throws Exception {
    start(always());
    byte[] bytes = TestBytes.random(SIZE, 1);
    api.upload(APP, bytes);

    URI location = assertRedirected(api.get(APP));
    assertNotEquals(server.port(), location.getPort(), "the store's URL: " + location);

    HttpResponse<byte[]> fromStore = fetch(PLAIN, location);
    assertEquals(200, fromStore.statusCode(), () -> new String(fromStore.body()));
    assertEquals(TestBytes.sha256Hex(bytes), TestBytes.sha256Hex(fromStore.body()));
    assertEquals("application/gzip", fromStore.headers().firstValue("Content-Type").orElse(""));
  }

  @Test
  void aClientThatFollowsRedirectsGetsTheExactBytesAndRangesFromTheStore() throws Exception {
    start(always());
    byte[] bytes = TestBytes.random(SIZE, 2);
    api.upload(APP, bytes);

    HttpResponse<byte[]> followed = fetch(FOLLOWING, packageUri(APP));
    assertEquals(200, followed.statusCode());
    assertNotEquals(server.port(), followed.uri().getPort(), "answered by the store: " + followed.uri());
    assertEquals(TestBytes.sha256Hex(bytes), TestBytes.sha256Hex(followed.body()));

    // The Range goes along to the store, which answers it.
    HttpResponse<byte[]> range = fetch(FOLLOWING, packageUri(APP), "Range", "bytes=1000-1999");
    assertEquals(206, range.statusCode());
    assertArrayEquals(Arrays.copyOfRange(bytes, 1000, 2000), range.body());
  }

  @Test
  void headAndConditionalRequestsAreAnsweredHere() throws Exception {
    start(always());
    byte[] bytes = TestBytes.random(SIZE, 3);
    String sha256 = api.upload(APP, bytes).getString("sha256");

    HttpResponse<byte[]> head = api.head(APP);
    assertEquals(200, head.statusCode());
    assertEquals(Long.toString(SIZE), head.headers().firstValue("Content-Length").orElse(""));
    assertEquals("\"" + sha256 + "\"", head.headers().firstValue("ETag").orElse(""));
    assertEquals(sha256, head.headers().firstValue("X-Checksum-Sha256").orElse(""));
    assertFalse(head.headers().firstValue("Location").isPresent());

    HttpResponse<byte[]> notModified = api.get(APP, "If-None-Match", "\"" + sha256 + "\"");
    assertEquals(304, notModified.statusCode());
    assertFalse(notModified.headers().firstValue("Location").isPresent());

    HttpResponse<byte[]> failed = api.get(APP, "If-Match", "\"" + "0".repeat(64) + "\"");
    assertEquals(412, failed.statusCode());

    HttpResponse<byte[]> unsatisfiable = api.get(APP, "Range", "bytes=" + SIZE + "-");
    assertEquals(416, unsatisfiable.statusCode());

    // The store's entity tags are not ours: requests that name ours are served here, not sent on.
    HttpResponse<byte[]> matching = api.get(APP, "If-Match", "\"" + sha256 + "\"");
    assertEquals(200, matching.statusCode());
    assertEquals(sha256, TestBytes.sha256Hex(matching.body()));
    HttpResponse<byte[]> ifRange = api.get(APP, "Range", "bytes=0-9", "If-Range", "\"" + sha256 + "\"");
    assertEquals(206, ifRange.statusCode());
    assertArrayEquals(Arrays.copyOfRange(bytes, 0, 10), ifRange.body());

    // A package that does not exist is 404 here, never a redirect.
    assertEquals(404, api.get("other-1.0.0.tar.gz").statusCode());
  }

  @Test
  void belowTheThresholdOfDownloadsInFlightTheBytesComeFromHere() throws Exception {
    start(always().put("above_active_downloads", 5));
    byte[] bytes = TestBytes.random(SIZE, 4);
    api.upload(APP, bytes);

    HttpResponse<byte[]> response = api.get(APP);

    assertEquals(200, response.statusCode());
    assertFalse(response.headers().firstValue("Location").isPresent());
    assertEquals(TestBytes.sha256Hex(bytes), TestBytes.sha256Hex(response.body()));
  }

  @Test
  void aboveTheThresholdOfDownloadsInFlightTheNextGetIsRedirected() throws Exception {
    start(always().put("above_active_downloads", 1));
    byte[] big = TestBytes.random(32 * 1024 * 1024, 5);
    api.upload(APP, big);
    // Once cached, so that the slow download below is sent from this server's disk.
    assertEquals(TestBytes.sha256Hex(big), TestBytes.sha256Hex(api.get(APP).body()));

    // A download held in flight: its client reads the head and then nothing, and the package outgrows the buffers.
    try (SlowDownload slow = new SlowDownload(server.port(), "/packages/" + APP)) {
      assertEquals(200, slow.status());

      // With it, this GET makes two in flight: more than 1.
      URI location = assertRedirected(api.get(APP));
      assertEquals(TestBytes.sha256Hex(big), TestBytes.sha256Hex(fetch(PLAIN, location).body()));
    }
  }

  @Test
  void withRedirectOffNothingIsRedirected() throws Exception {
    start(new JsonObject().put("enabled", false));
    byte[] bytes = TestBytes.random(1000, 5);
    api.upload(APP, bytes);

    HttpResponse<byte[]> response = api.get(APP);

    assertEquals(200, response.statusCode());
    assertArrayEquals(bytes, response.body());
    assertFalse(MetricsText.of(api).has("pr_downloads_redirected_total"), "no counter without redirects configured");
  }

  @Test
  void accessIsCheckedBeforeAnyRedirect() throws Exception {
    JsonObject users = new JsonObject()
      .put("reader", new JsonObject().put("token", TokenHash.format(READER)).put("permissions", new JsonArray().add("read")))
      .put("writer", new JsonObject().put("token", TokenHash.format(WRITER)).put("permissions", new JsonArray().add("write")));
    start(always(), new JsonObject().put("auth", new JsonObject().put("anonymous_read", false).put("users", users)));
    byte[] bytes = TestBytes.random(SIZE, 6);
    HttpResponse<String> put = api.put(APP, bytes, "Authorization", "Bearer " + WRITER);
    assertEquals(200, put.statusCode(), put.body());

    HttpResponse<byte[]> anonymous = api.get(APP);
    assertEquals(401, anonymous.statusCode());
    assertFalse(anonymous.headers().firstValue("Location").isPresent());
    HttpResponse<byte[]> withoutRead = api.get(APP, "Authorization", "Bearer " + WRITER);
    assertEquals(403, withoutRead.statusCode());
    assertFalse(withoutRead.headers().firstValue("Location").isPresent());
    HttpResponse<byte[]> following = fetch(FOLLOWING, packageUri(APP), "Authorization", "Bearer " + WRITER);
    assertEquals(403, following.statusCode());

    URI location = assertRedirected(api.get(APP, "Authorization", "Bearer " + READER));
    HttpResponse<byte[]> fromStore = fetch(PLAIN, location);
    assertEquals(200, fromStore.statusCode());
    assertEquals(TestBytes.sha256Hex(bytes), TestBytes.sha256Hex(fromStore.body()));
  }

  @Test
  void redirectsAreCounted() throws Exception {
    start(always());
    api.upload(APP, TestBytes.random(1000, 7));
    double before = MetricsText.of(api).sum("pr_downloads_redirected_total");

    for (int i = 0; i < 3; i++) {
      assertRedirected(api.get(APP));
    }
    api.head(APP);

    assertEquals(before + 3, MetricsText.of(api).sum("pr_downloads_redirected_total"));
  }

  @Test
  void theStoreChecksTheSignatureAndItsExpiry() throws Exception {
    start(new JsonObject().put("enabled", true).put("expires_seconds", 1));
    api.upload(APP, TestBytes.random(1000, 8));
    api.upload("other-1.0.0.tar.gz", TestBytes.random(1000, 9));

    URI location = assertRedirected(api.get(APP));
    // The signature of one package does not open another.
    URI other = URI.create(location.toString().replace(APP, "other-1.0.0.tar.gz"));
    int forged = fetch(PLAIN, other).statusCode();
    assertTrue(refusedByTheStore().contains(forged), "a URL signed for another object: " + forged);

    Thread.sleep(2500);
    int expired = fetch(PLAIN, location).statusCode();
    assertTrue(refusedByTheStore().contains(expired), "an expired URL: " + expired);
  }

  /** The server's {@code /metrics}. */
  private static final class MetricsText {
    static PrometheusText of(ApiClient api) throws Exception {
      HttpResponse<String> response = api.call("GET", "/metrics");
      assertEquals(200, response.statusCode());
      return new PrometheusText(response.body());
    }
  }
}
