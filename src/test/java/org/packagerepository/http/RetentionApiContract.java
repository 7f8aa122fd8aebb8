package org.packagerepository.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.packagerepository.auth.TokenHash;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retention ({@code config.retention}, {@code POST /retention}) through the HTTP API, against whatever storage a
 * subclass supplies: every backend runs it unchanged. Versions cannot be backdated in every store, so the tests move
 * the server's clock instead: a version stored now is 31 days old to a server whose clock is 31 days ahead.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
public abstract class RetentionApiContract {

  private static final long DAY = 86_400_000L;
  private static final String OLD = "app-1.0.0.tar.gz";
  private static final String OLDER_KEPT_BY_DOWNLOAD = "app-1.0.1.tar.gz";
  /** Five versions of app (stored out of order), one of lib. */
  private static final List<String> VERSIONS = List.of("app-1.0.3.tar.gz", "app-1.0.10.tar.gz", "app-1.0.1.tar.gz",
    "app-1.0.2.tar.gz", "app-1.0.0.tar.gz", "lib-0.1.0.tar.gz");

  /** What a subclass supplies: a fresh, empty storage, as {@code PackageApiContract#backendSection()}. */
  protected abstract JsonObject backendSection() throws Exception;

  /** Stores an object as another tool would, bypassing the server. */
  protected abstract void putDirectly(String file, byte[] bytes) throws Exception;

  /** The bytes of an object as the store holds it, read bypassing the server; null when there is none. */
  protected abstract byte[] readDirectly(String file) throws Exception;

  /** Called after each test, once the server has stopped. Nothing by default. */
  protected void cleanUpStorage() throws Exception {
  }

  /** Retention's "now": the real time, moved by the test. */
  private static final class MovableClock implements InstantSource {
    private final AtomicLong offset = new AtomicLong();

    void daysAhead(double days) {
      offset.set(Math.round(days * DAY));
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }

    @Override
    public long millis() {
      return System.currentTimeMillis() + offset.get();
    }
  }

  private final MovableClock clock = new MovableClock();
  private final Map<String, byte[]> stored = new LinkedHashMap<>();
  private JsonObject backend;
  private TestServer server;
  private ApiClient api;

  @BeforeEach
  final void freshStorage() throws Exception {
    backend = backendSection();
  }

  @AfterEach
  final void stopServer() throws Exception {
    try {
      if (server != null) {
        server.close();
      }
    } finally {
      cleanUpStorage();
    }
  }

  /** Starts (or restarts) the server on this test's storage with {@code settings} as its {@code config} group. */
  private void start(JsonObject settings) throws Exception {
    if (server != null) {
      server.close();
      server = null;
    }
    server = TestServer.start(backend.copy().put("config", settings), clock);
    api = server.client();
  }

  private static JsonObject retention(String group) {
    return new JsonObject().put("retention", new JsonObject(group));
  }

  private HttpResponse<String> post(String query, String... headers) throws Exception {
    return api.send(api.request("/retention" + query, headers).POST(HttpRequest.BodyPublishers.noBody()).build(),
      HttpResponse.BodyHandlers.ofString());
  }

  /** A run that must answer 200; its report. */
  private JsonObject run(String query, String... headers) throws Exception {
    HttpResponse<String> response = post(query, headers);
    assertEquals(200, response.statusCode(), response.body());
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
    return new JsonObject(response.body());
  }

  private static List<String> files(JsonArray entries) {
    List<String> files = new ArrayList<>();
    entries.forEach(entry -> files.add(((JsonObject) entry).getString("file")));
    return files;
  }

  /** Uploads {@link #VERSIONS}, each with bytes of its own of an awkward size, and a file that is no package. */
  private void storeVersions() throws Exception {
    int seed = 1;
    for (String file : VERSIONS) {
      byte[] bytes = TestBytes.random(10_007 + seed, seed++);
      api.upload(file, bytes);
      stored.put(file, bytes);
    }
    putDirectly("README.txt", new byte[] {1, 2, 3});
  }

  /** Every version in {@code files} downloads byte-exact, its SHA-256 as its checksum header. */
  private void assertDownloadsByteExact(List<String> files) throws Exception {
    for (String file : files) {
      HttpResponse<byte[]> get = api.get(file);
      assertEquals(200, get.statusCode(), file);
      assertArrayEquals(stored.get(file), get.body(), file);
      assertEquals(TestBytes.sha256Hex(stored.get(file)), get.headers().firstValue("X-Checksum-Sha256").orElse(""),
        file);
    }
  }

  private String listing() throws Exception {
    HttpResponse<String> listing = api.call("GET", "/packages?recency=100&detail=true");
    assertEquals(200, listing.statusCode());
    return listing.body();
  }

  // ---------------------------------------------------------------------------------------------------------------

  @Test
  void withoutRetentionConfiguredARunIsAConflictThatChangesNothing() throws Exception {
    start(new JsonObject());
    api.upload(OLD, TestBytes.random(1000, 1));
    api.upload("app-2.0.0.tar.gz", TestBytes.random(1000, 2));
    String before = listing();

    for (String query : List.of("", "?dry_run=true")) {
      HttpResponse<String> response = post(query);
      assertEquals(409, response.statusCode(), query);
      assertTrue(new JsonObject(response.body()).getString("error").contains("not configured"), response.body());
    }
    assertEquals(before, listing());
  }

  @Test
  void aDryRunValueOtherThanTrueOneFalseOrZeroIsABadRequestThatChangesNothing() throws Exception {
    start(retention("{\"keep_last\": 1}"));
    api.upload(OLD, TestBytes.random(1000, 1));
    api.upload("app-2.0.0.tar.gz", TestBytes.random(1000, 2));
    String before = listing();

    for (String value : List.of("yes", "", "2", "truee", "no")) {
      HttpResponse<String> response = post("?dry_run=" + value);
      assertEquals(400, response.statusCode(), value);
      assertTrue(new JsonObject(response.body()).getString("error").length() > 10, response.body());
    }
    assertEquals(before, listing());
    assertEquals(405, api.call("GET", "/retention").statusCode());
    assertEquals(405, api.call("DELETE", "/retention").statusCode());
    // and every accepted form of a dry run is one
    for (String value : List.of("true", "1", "TRUE")) {
      assertEquals(List.of(OLD), files(run("?dry_run=" + value).getJsonArray("deleted")), value);
    }
    assertEquals(before, listing());
  }

  @Test
  void aDryRunListsExactlyWhatWouldGoAndWhyAndChangesNothing() throws Exception {
    start(retention("{\"keep_last\": 2, \"keep_days\": 30, \"keep_downloaded_days\": 45}"));
    storeVersions();
    String before = listing();

    // while every version is younger than keep_days, nothing would go
    JsonObject young = run("?dry_run=true");
    assertEquals(new JsonObject().put("dry_run", true).put("deleted", new JsonArray()).put("kept", 6)
      .put("failed", new JsonArray()), young);

    // 31 days later, the versions beyond the newest two of each package would go, newest first
    clock.daysAhead(31);
    JsonObject report = run("?dry_run=true");
    assertEquals(true, report.getBoolean("dry_run"));
    assertEquals(List.of("app-1.0.2.tar.gz", "app-1.0.1.tar.gz", "app-1.0.0.tar.gz"),
      files(report.getJsonArray("deleted")));
    assertEquals(3, report.getInteger("kept"));
    assertEquals(new JsonArray(), report.getJsonArray("failed"));
    JsonObject first = report.getJsonArray("deleted").getJsonObject(0);
    assertEquals("1.0.2", first.getString("version"));
    assertEquals(stored.get("app-1.0.2.tar.gz").length, first.getLong("size"));
    assertTrue(Math.abs(System.currentTimeMillis() - first.getLong("modified")) < 10 * 60_000, first.encode());
    assertTrue(first.containsKey("last_download") && first.getValue("last_download") == null, first.encode());
    assertEquals("beyond keep_last=2, older than keep_days=30, not downloaded within 45 days",
      first.getString("reason"));

    // and nothing changed: the listing, every version's bytes, the file that is no package
    assertEquals(before, listing());
    assertDownloadsByteExact(VERSIONS);
    assertArrayEquals(new byte[] {1, 2, 3}, readDirectly("README.txt"));
  }

  @Test
  void aRunDeletesExactlyWhatTheDryRunListedTellsTheCallbackAndKeepsTheRestByteExact() throws Throwable {
    Vertx vertx = Vertx.vertx();
    ConcurrentLinkedQueue<JsonObject> events = new ConcurrentLinkedQueue<>();
    try {
      HttpServer callback = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
        new JsonObject(body).getJsonArray("data").forEach(event -> events.add((JsonObject) event));
        request.response().end();
      })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
      start(retention("{\"keep_last\": 2, \"keep_days\": 30}")
        .put("package_callback", "http://127.0.0.1:" + callback.actualPort() + "/hooks"));
      storeVersions();
      clock.daysAhead(31);
      JsonObject dryRun = run("?dry_run=1");

      JsonObject report = run("");

      // then it deleted what the dry run listed, for the same reasons
      assertEquals(dryRun.copy().put("dry_run", false), report);
      List<String> deleted = List.of("app-1.0.2.tar.gz", "app-1.0.1.tar.gz", "app-1.0.0.tar.gz");
      assertEquals(deleted, files(report.getJsonArray("deleted")));
      for (String file : deleted) {
        assertEquals(404, api.get(file).statusCode(), file);
        assertEquals(null, readDirectly(file), file);
      }
      // the rest is listed and downloads byte-exact; the file that is no package was not touched
      assertEquals(new JsonArray()
          .add(new JsonObject().put("name", "app").put("latest_versions", new JsonArray()
            .add(new JsonObject().put("version", "1.0.10").put("file", "app-1.0.10.tar.gz"))
            .add(new JsonObject().put("version", "1.0.3").put("file", "app-1.0.3.tar.gz"))))
          .add(new JsonObject().put("name", "lib").put("latest_versions", new JsonArray()
            .add(new JsonObject().put("version", "0.1.0").put("file", "lib-0.1.0.tar.gz")))),
        api.listing("?recency=100"));
      assertDownloadsByteExact(List.of("app-1.0.10.tar.gz", "app-1.0.3.tar.gz", "lib-0.1.0.tar.gz"));
      assertArrayEquals(new byte[] {1, 2, 3}, readDirectly("README.txt"));
      // the callback heard NOTCREATED for each deleted version, as after a DELETE
      Eventually.within(Duration.ofSeconds(10), () -> assertEquals(List.of("app-1.0.2", "app-1.0.1", "app-1.0.0"),
        events.stream().filter(e -> "NOTCREATED".equals(e.getString("state"))).map(e -> e.getString("id")).toList()));
      // and a second run finds nothing more to delete
      assertEquals(new JsonArray(), run("").getJsonArray("deleted"));
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aVersionDownloadedWithinKeepDownloadedDaysStaysAcrossARestartOfTheServer() throws Exception {
    JsonObject settings = retention("{\"keep_last\": 1, \"keep_days\": 30, \"keep_downloaded_days\": 45}");
    start(settings);
    storeVersions();
    long before = System.currentTimeMillis();
    assertEquals(200, api.get(OLDER_KEPT_BY_DOWNLOAD).statusCode());
    long after = System.currentTimeMillis();
    // a HEAD is no download
    assertEquals(200, api.head(OLD).statusCode());

    // when the server restarts on the same store, 31 days later
    start(settings);
    clock.daysAhead(31);

    // then the downloaded version stays, and only it among the old ones
    JsonObject report = run("?dry_run=true");
    assertEquals(List.of("app-1.0.3.tar.gz", "app-1.0.2.tar.gz", "app-1.0.0.tar.gz"),
      files(report.getJsonArray("deleted")));
    assertEquals(3, report.getInteger("kept"));   // app-1.0.10 (keep_last), app-1.0.1 (downloaded), lib (keep_last)

    // and once its download is older than keep_downloaded_days, it goes too, its last download reported
    clock.daysAhead(46);
    JsonObject later = run("");
    assertEquals(List.of("app-1.0.3.tar.gz", "app-1.0.2.tar.gz", OLDER_KEPT_BY_DOWNLOAD, OLD),
      files(later.getJsonArray("deleted")));
    long lastDownload = later.getJsonArray("deleted").getJsonObject(2).getLong("last_download");
    // recorded once the answer is out, which may be a moment after the client has it
    assertTrue(lastDownload >= before && lastDownload <= after + 5_000,
      lastDownload + " within [" + before + ", " + after + " + 5 s]");
    assertDownloadsByteExact(List.of("app-1.0.10.tar.gz", "lib-0.1.0.tar.gz"));
  }

  @Test
  void aVersionBeingDownloadedNowStays() throws Throwable {
    start(retention("{\"keep_last\": 1}"));
    // larger than the sockets' buffers, so that a client that reads nothing holds its download in flight
    byte[] large = TestBytes.random(32 * 1024 * 1024 + 3, 7);
    api.upload(OLD, large);
    api.upload("app-2.0.0.tar.gz", TestBytes.random(1000, 8));

    try (SlowDownload download = new SlowDownload(server.port(), "/packages/" + OLD)) {
      assertEquals(200, download.status());
      JsonObject report = run("");
      assertEquals(new JsonArray(), report.getJsonArray("deleted"));
      assertEquals(2, report.getInteger("kept"));
    }
    // once the download is over, the version goes
    Eventually.within(Duration.ofSeconds(10), () -> assertEquals(List.of(OLD),
      files(run("").getJsonArray("deleted"))));
    assertEquals(404, api.get(OLD).statusCode());
  }

  @Test
  void deletingNeedsTheDeletePermissionADryRunOnlyRead() throws Exception {
    JsonObject users = new JsonObject()
      .put("reader", user("reader-token-0123456789", "read"))
      .put("deployer", user("deployer-token-0123456789", "read", "write"))
      .put("admin", user("admin-token-0123456789", "read", "write", "delete"));
    start(retention("{\"keep_last\": 1}").put("auth", new JsonObject().put("anonymous_read", false)
      .put("users", users)));
    String admin = "Bearer admin-token-0123456789";
    assertEquals(200, api.put(OLD, TestBytes.random(1000, 1), "Authorization", admin).statusCode());
    assertEquals(200, api.put("app-2.0.0.tar.gz", TestBytes.random(1000, 2), "Authorization", admin).statusCode());

    assertEquals(401, post("?dry_run=true").statusCode());
    assertEquals(401, post("").statusCode());
    assertEquals(List.of(OLD), files(run("?dry_run=true", "Authorization", "Bearer reader-token-0123456789")
      .getJsonArray("deleted")));
    assertEquals(403, post("", "Authorization", "Bearer reader-token-0123456789").statusCode());
    assertEquals(403, post("?dry_run=false", "Authorization", "Bearer deployer-token-0123456789").statusCode());
    assertEquals(200, api.get(OLD, "Authorization", admin).statusCode(), "nothing deleted yet");

    assertEquals(List.of(OLD), files(run("", "Authorization", admin).getJsonArray("deleted")));
    assertEquals(404, api.get(OLD, "Authorization", admin).statusCode());
  }

  @Test
  void withAnIntervalTheServerRunsRetentionByItself() throws Throwable {
    start(retention("{\"keep_last\": 1, \"interval\": 1}"));
    api.upload(OLD, TestBytes.random(1000, 1));
    api.upload("app-2.0.0.tar.gz", TestBytes.random(1000, 2));

    Eventually.within(Duration.ofSeconds(15), () -> assertEquals(404, api.get(OLD).statusCode()));
    assertEquals(200, api.get("app-2.0.0.tar.gz").statusCode());
  }

  private static JsonObject user(String token, String... permissions) {
    return new JsonObject().put("token", TokenHash.format(token))
      .put("permissions", new JsonArray(List.of((Object[]) permissions)));
  }
}
