package org.packagerepository.storage.cache;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.packagerepository.http.ApiClient;
import org.packagerepository.http.PrometheusText;
import org.packagerepository.http.Eventually;
import org.packagerepository.http.TcpForwarder;
import org.packagerepository.http.TestBytes;
import org.packagerepository.http.RawHttp;
import org.packagerepository.http.TestServer;
import org.packagerepository.http.TestTls;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The read-through cache in front of a remote store, through the HTTP API, written once and run against each remote
 * backend on its real server. What the store is asked is counted at a TCP forwarder between the server and the store.
 */
public abstract class RemoteCacheContract {

  private static final int MB = 1000 * 1000;

  @TempDir
  Path temp;

  private TcpForwarder forwarder;
  private SmallDisk disk;
  private Path cachePath;
  private final List<TestServer> servers = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** A new, empty place in the store (bucket, container) for this test. */
  protected abstract void freshStorage() throws Exception;

  protected abstract int storePort();

  /** The server's configuration: its store reached on {@code port} of 127.0.0.1, with this {@code cache} group. */
  protected abstract JsonObject config(int port, JsonObject cache);

  /** The start of the store's request line of a GET of {@code file}'s bytes. */
  protected abstract String storeGet(String file);

  /** The start of the store's request line of a listing. */
  protected abstract String storeListing();

  /** Another writer (another server, a tool) puts {@code bytes} as {@code file} in the store, behind our back. */
  protected abstract void writeBehindOurBack(String file, byte[] bytes) throws Exception;

  @BeforeEach
  void setUp() throws Exception {
    freshStorage();
    forwarder = TcpForwarder.to(storePort());
    cachePath = temp.resolve("cache");
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      for (TestServer server : servers) {
        server.close();
      }
    } finally {
      try {
        forwarder.close();
      } finally {
        if (disk != null) {
          disk.close();   // once the servers are closed: nothing holds it
        }
      }
    }
  }

  private TestServer start(JsonObject cache) throws Exception {
    TestServer server = TestServer.start(config(forwarder.port(), cache.copy().put("path", cachePath.toString())));
    servers.add(server);
    return server;
  }

  private TestServer start() throws Exception {
    return start(new JsonObject());
  }

  private void stop(TestServer server) throws Exception {
    servers.remove(server);
    server.close();
  }

  private int storeGets(String file) {
    return forwarder.timesSent(storeGet(file));
  }

  private JsonObject cacheCounters(TestServer server) throws Exception {
    HttpResponse<String> stats = http.send(HttpRequest.newBuilder(server.uri("/stats")).GET().build(),
      HttpResponse.BodyHandlers.ofString());
    assertEquals(200, stats.statusCode());
    return new JsonObject(stats.body()).getJsonObject("cache");
  }

  private static void assertServes(ApiClient api, String file, byte[] bytes) throws Exception {
    HttpResponse<byte[]> get = api.get(file);
    assertEquals(200, get.statusCode(), () -> new String(get.body()));
    assertEquals(TestBytes.sha256Hex(bytes), TestBytes.sha256Hex(get.body()), file + ": the bytes served");
  }

  @Test
  void twoHundredHostsAskingForAnUncachedPackageCostTheStoreOneGet() throws Exception {
    int size = 50 * MB;
    int hosts = 200;
    String file = "deploy-1.0.0.tar.gz";
    byte[] bytes = TestBytes.random(size, 1);
    String sha256 = TestBytes.sha256Hex(bytes);
    forwarder.count(storeGet(file));
    TestServer server = start();
    assertEquals(200, server.client().put(file, bytes).statusCode());
    assertEquals(0, storeGets(file), "an upload does not read the package back");

    HttpRequest get = HttpRequest.newBuilder(server.uri("/packages/" + file)).GET().build();
    List<CompletableFuture<String>> answers = new ArrayList<>();
    for (int i = 0; i < hosts; i++) {
      answers.add(http.sendAsync(get, HttpResponse.BodyHandlers.ofInputStream()).thenApply(response -> {
        try (InputStream body = response.body()) {
          assertEquals(200, response.statusCode());
          TestBytes.Hashed hashed = TestBytes.sha256Hex(body);
          return hashed.sha256() + "/" + hashed.length();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }));
    }
    for (CompletableFuture<String> answer : answers) {
      assertEquals(sha256 + "/" + size, answer.get(120, TimeUnit.SECONDS));
    }
    assertEquals(1, storeGets(file), "GETs of the package the store saw");

    // Cached now: served from this server's disk, the store not asked for the bytes again.
    assertServes(server.client(), file, bytes);
    assertEquals(1, storeGets(file));

    JsonObject cache = cacheCounters(server);
    assertEquals(true, cache.getBoolean("enabled"));
    assertEquals(1, cache.getLong("misses"), cache::encode);
    assertEquals(hosts, cache.getLong("coalesced") + cache.getLong("hits"),
      () -> "every other read followed the fill or read the cached file: " + cache.encode());
    assertEquals(size, cache.getLong("storeBytes"), cache::encode);
    assertEquals(size, cache.getLong("usedBytes"), cache::encode);

    // And so does Prometheus.
    HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(server.uri("/metrics")).GET().build(),
      HttpResponse.BodyHandlers.ofString());
    PrometheusText text = new PrometheusText(metrics.body());
    assertEquals(1, text.sum("pr_cache_misses_total"), 0.1, metrics::body);
    assertEquals(hosts, text.sum("pr_cache_coalesced_total") + text.sum("pr_cache_hits_total"), 0.1);
    assertEquals(size, text.sum("pr_cache_store_bytes_total"), 0.1);
    assertEquals(size, text.sum("pr_cache_used_bytes"), 0.1);
    // Every host was sent the file with sendfile, as it filled or once cached: no byte went over the event bus.
    assertEquals(0, text.sum("pr_storage_requests_seconds_count", "operation", "read"), 0.1, metrics::body);
    assertEquals(hosts + 1, text.sum("pr_storage_requests_seconds_count", "operation", "open-read"), 0.1);
  }

  @Test
  void aWarmFillsTheCacheSoThatAHundredGetsCostTheStoreNothingAndAnUnknownFileFailsAlone() throws Throwable {
    String file = "warm-1.0.0.tar.gz";
    String other = "warm-lib-2.0.0.tar.gz";
    byte[] bytes = TestBytes.random(20 * MB, 50);
    byte[] otherBytes = TestBytes.random(MB, 51);
    forwarder.count(storeGet(file));
    forwarder.count(storeGet(other));
    TestServer server = start();
    server.client().upload(file, bytes);
    server.client().upload(other, otherBytes);
    server.client().upload("warm-empty-1.0.0.tar.gz", new byte[0]);

    HttpResponse<String> started = http.send(HttpRequest.newBuilder(server.uri("/warm"))
      .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("files", new io.vertx.core.json.JsonArray()
        .add(file).add(other).add("missing-9.9.9.tar.gz").add("../etc/passwd").add("warm-empty-1.0.0.tar.gz"))
        .encode())).build(),
      HttpResponse.BodyHandlers.ofString());
    assertEquals(202, started.statusCode(), started::body);
    String id = new JsonObject(started.body()).getString("id");
    assertEquals("/warm/" + id, started.headers().firstValue("Location").orElseThrow());

    JsonObject[] status = new JsonObject[1];
    Eventually.within(Duration.ofSeconds(60), () -> {
      HttpResponse<String> answer = http.send(HttpRequest.newBuilder(server.uri("/warm/" + id)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
      assertEquals(200, answer.statusCode(), answer::body);
      status[0] = new JsonObject(answer.body());
      assertNotEquals("running", status[0].getString("state"), answer::body);
    });
    // One file unknown and one not a name: the warm failed for those two, not for the others.
    assertEquals("failed", status[0].getString("state"), status[0]::encode);
    JsonObject member = status[0].getJsonArray("members").getJsonObject(0);
    Map<String, JsonObject> files = new java.util.HashMap<>();
    member.getJsonArray("files").forEach(f -> files.put(((JsonObject) f).getString("file"), (JsonObject) f));
    assertEquals("done", files.get(file).getString("state"), member::encode);
    assertEquals(bytes.length, files.get(file).getLong("bytes"), member::encode);
    assertEquals("done", files.get(other).getString("state"), member::encode);
    assertEquals("done", files.get("warm-empty-1.0.0.tar.gz").getString("state"), "nothing to bring in: " + member.encode());
    assertEquals("failed", files.get("missing-9.9.9.tar.gz").getString("state"), member::encode);
    assertTrue(files.get("missing-9.9.9.tar.gz").getString("reason").contains("missing-9.9.9.tar.gz"), member::encode);
    assertEquals("failed", files.get("../etc/passwd").getString("state"), member::encode);
    assertEquals(1, storeGets(file), "the warm read the package from the store once");
    assertEquals(1, storeGets(other));

    // A hundred hosts then cost the store nothing.
    List<CompletableFuture<String>> answers = new ArrayList<>();
    HttpRequest get = HttpRequest.newBuilder(server.uri("/packages/" + file)).GET().build();
    for (int i = 0; i < 100; i++) {
      answers.add(http.sendAsync(get, HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(response -> response.statusCode() + " " + TestBytes.sha256Hex(response.body())));
    }
    for (CompletableFuture<String> answer : answers) {
      assertEquals("200 " + TestBytes.sha256Hex(bytes), answer.get(60, TimeUnit.SECONDS));
    }
    assertEquals(1, storeGets(file), "no GET reached the store after the warm");
    assertEquals(100, cacheCounters(server).getLong("hits"));

    // A warm of what is cached is done at once; an unknown warm is 404.
    HttpResponse<String> again = http.send(HttpRequest.newBuilder(server.uri("/warm"))
      .POST(HttpRequest.BodyPublishers.ofString("{\"files\": [\"" + file + "\"]}")).build(),
      HttpResponse.BodyHandlers.ofString());
    String second = new JsonObject(again.body()).getString("id");
    Eventually.within(Duration.ofSeconds(10), () -> assertEquals("done", new JsonObject(http.send(
      HttpRequest.newBuilder(server.uri("/warm/" + second)).GET().build(), HttpResponse.BodyHandlers.ofString())
      .body()).getString("state")));
    assertEquals(1, storeGets(file));
    assertEquals(404, http.send(HttpRequest.newBuilder(server.uri("/warm/no-such-warm")).GET().build(),
      HttpResponse.BodyHandlers.ofString()).statusCode());
  }

  @Test
  void aRangeOfAPackageBeingFilledIsAnsweredAsSoonAsItsBytesAreThere() throws Exception {
    String file = "slow-1.0.0.tar.gz";
    byte[] bytes = TestBytes.random(12 * MB, 2);
    forwarder.count(storeGet(file));
    TestServer server = start();
    InputStream body = slowDownload(server, file, bytes);
    byte[] start = body.readNBytes(MB);
    assertArrayEquals(Arrays.copyOfRange(bytes, 0, MB), start, "the first host's first bytes, while the fill runs");

    HttpResponse<byte[]> range = server.client().get(file, "Range", "bytes=1000-1999");
    assertEquals(206, range.statusCode());
    assertArrayEquals(Arrays.copyOfRange(bytes, 1000, 2000), range.body());
    assertFalse(cacheCounters(server).getLong("usedBytes") > 0, "answered before the fill ended");

    byte[] rest = body.readAllBytes();
    assertEquals(TestBytes.sha256Hex(bytes), TestBytes.sha256Hex(TestBytes.concat(start, rest)));
    assertEquals(1, storeGets(file), "the range followed the fill");
  }


  @Test
  void overHttpsTheReadersOfAPackageBeingFilledGetItsExactBytes() throws Exception {
    // Over TLS the file being filled is read by the TLS engine instead of sent with sendfile, as it grows.
    String file = "tls-1.0.0.tar.gz";
    byte[] bytes = TestBytes.random(4 * MB, 4);
    forwarder.count(storeGet(file));
    try (TestTls tls = new TestTls()) {
      JsonObject config = config(forwarder.port(), new JsonObject().put("path", cachePath.toString()));
      config.put("config", config.getJsonObject("config", new JsonObject()).copy().put("tls", tls.config()));
      TestServer server = TestServer.start(config);
      servers.add(server);
      javax.net.ssl.SSLContext client = tls.clientContext();
      try (RawHttp https = RawHttp.connectTls(server.port(), client)) {
        https.sendHead("PUT", "/packages/" + file, "Content-Length: " + bytes.length);
        https.send(bytes);
        assertEquals(200, https.readResponse(false).status());
      }
      forwarder.limitResponseRate(2 * MB);
      List<CompletableFuture<RawHttp.Response>> readers = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        readers.add(CompletableFuture.supplyAsync(() -> {
          try (RawHttp https = RawHttp.connectTls(server.port(), client)) {
            https.sendHead("GET", "/packages/" + file);
            return https.readResponse(false);
          } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
          }
        }));
      }
      for (CompletableFuture<RawHttp.Response> reader : readers) {
        RawHttp.Response get = reader.get(60, TimeUnit.SECONDS);
        assertEquals(200, get.status(), get.statusLine());
        assertEquals(TestBytes.sha256Hex(bytes), TestBytes.sha256Hex(get.body()));
      }
      assertEquals(1, storeGets(file));
    }
  }

  /** Uploads {@code bytes} as {@code file}, then starts its download with the store sending 2 MB/s. */
  private InputStream slowDownload(TestServer server, String file, byte[] bytes) throws Exception {
    assertEquals(200, server.client().put(file, bytes).statusCode());
    forwarder.limitResponseRate(2 * MB);
    HttpResponse<InputStream> response = server.client().getStream(file);
    assertEquals(200, response.statusCode());
    return response.body();
  }

  @Test
  void aFillCutShortFailsItsReadersWithoutAShortBodyAndTheNextReadTriesAgain() throws Exception {
    String file = "cut-1.0.0.tar.gz";
    byte[] bytes = TestBytes.random(12 * MB, 3);
    forwarder.count(storeGet(file));
    TestServer server = start();
    InputStream body = slowDownload(server, file, bytes);
    assertEquals(MB, body.readNBytes(MB).length);
    forwarder.stop();   // the store goes away mid-fill
    long read = MB;
    try {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = body.read(buffer)) >= 0; ) {
        read += n;
      }
    } catch (IOException expected) {
      // the connection closed: what a client must see
    }
    assertTrue(read < bytes.length, "a cut download must not look complete (read " + read + " bytes)");

    forwarder.start();
    forwarder.limitResponseRate(0);
    assertServes(server.client(), file, bytes);
    assertEquals(2, storeGets(file), "the next read fetched it again");
    assertServes(server.client(), file, bytes);
    assertEquals(2, storeGets(file), "and it is cached");
    try (Stream<Path> files = Files.list(cachePath)) {
      assertEquals(List.of(), files.filter(f -> f.toString().endsWith(".part")).toList(), "no partial file left");
    }
  }

  @Test
  void cachedVersionsAreReusedAfterARestartAndADamagedOneIsFetchedAgain() throws Exception {
    byte[] a = TestBytes.random(MB, 4);
    byte[] b = TestBytes.random(MB, 5);
    byte[] c = TestBytes.random(MB, 6);
    for (String f : List.of("a-1.0.0.tar.gz", "b-1.0.0.tar.gz", "c-1.0.0.tar.gz")) {
      forwarder.count(storeGet(f));
    }
    TestServer first = start();
    ApiClient api = first.client();
    api.upload("a-1.0.0.tar.gz", a);
    api.upload("b-1.0.0.tar.gz", b);
    api.upload("c-1.0.0.tar.gz", c);
    assertServes(api, "a-1.0.0.tar.gz", a);
    assertServes(api, "b-1.0.0.tar.gz", b);
    assertServes(api, "c-1.0.0.tar.gz", c);
    stop(first);

    // While stopped: one byte of b flipped on disk, c cut short.
    try (FileChannel channel = FileChannel.open(cachedFile("b-1.0.0.tar.gz"), StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.wrap(new byte[] {(byte) (b[MB / 2] ^ 1)}), MB / 2);
    }
    try (FileChannel channel = FileChannel.open(cachedFile("c-1.0.0.tar.gz"), StandardOpenOption.WRITE)) {
      channel.truncate(MB / 2);
    }

    TestServer second = start();
    assertServes(second.client(), "a-1.0.0.tar.gz", a);
    assertServes(second.client(), "b-1.0.0.tar.gz", b);
    assertServes(second.client(), "c-1.0.0.tar.gz", c);
    assertEquals(1, storeGets("a-1.0.0.tar.gz"), "a was reused from the cache");
    assertEquals(2, storeGets("b-1.0.0.tar.gz"), "damaged b was detected and fetched again");
    assertEquals(2, storeGets("c-1.0.0.tar.gz"), "partial c was detected and fetched again");
    JsonObject cache = cacheCounters(second);
    assertEquals(1, cache.getLong("hits"), cache::encode);
    assertEquals(2, cache.getLong("misses"), cache::encode);
    assertServes(second.client(), "b-1.0.0.tar.gz", b);
    assertEquals(2, storeGets("b-1.0.0.tar.gz"), "b is cached again");
  }

  /** The cache's data file of {@code file} (there is one version of it in the cache). */
  private Path cachedFile(String file) throws IOException {
    try (Stream<Path> files = Files.list(cachePath)) {
      for (Path meta : files.filter(f -> f.toString().endsWith(".json")).toList()) {
        if (new JsonObject(Files.readString(meta)).getString("file").equals(file)) {
          String name = meta.getFileName().toString();
          return meta.resolveSibling(name.substring(0, name.length() - ".json".length()) + ".pkg");
        }
      }
    }
    throw new AssertionError(file + " is not in the cache");
  }

  @Test
  void underASmallLimitTheLeastRecentlyUsedVersionsGo() throws Exception {
    long limit = 3L * 1024 * 1024;
    List<String> names = List.of("a-1.0.0.tar.gz", "b-1.0.0.tar.gz", "c-1.0.0.tar.gz", "d-1.0.0.tar.gz");
    List<byte[]> bytes = new ArrayList<>();
    for (String name : names) {
      forwarder.count(storeGet(name));
    }
    TestServer server = start(new JsonObject().put("max_size", limit));
    ApiClient api = server.client();
    for (int i = 0; i < names.size(); i++) {
      bytes.add(TestBytes.random(MB, 10 + i));
      api.upload(names.get(i), bytes.get(i));
    }
    for (int i = 0; i < 3; i++) {
      assertServes(api, names.get(i), bytes.get(i));
    }
    assertServes(api, names.get(0), bytes.get(0));   // a used again: b is the least recently used
    assertServes(api, names.get(3), bytes.get(3));   // d needs room: b goes
    assertEquals(3L * MB, cacheCounters(server).getLong("usedBytes"));

    assertServes(api, names.get(0), bytes.get(0));
    assertServes(api, names.get(2), bytes.get(2));
    assertServes(api, names.get(3), bytes.get(3));
    assertEquals(List.of(1, 1, 1, 1), names.stream().map(this::storeGets).toList(), "a, c and d stayed cached");
    assertServes(api, names.get(1), bytes.get(1));
    assertEquals(2, storeGets(names.get(1)), "b was evicted and fetched again");
    assertTrue(cacheCounters(server).getLong("usedBytes") <= limit);
  }

  @Test
  void aPackageLargerThanTheCacheStreamsFromTheStore() throws Exception {
    String file = "huge-1.0.0.tar.gz";
    byte[] bytes = TestBytes.random(3 * MB, 20);
    forwarder.count(storeGet(file));
    TestServer server = start(new JsonObject().put("max_size", 1024 * 1024));
    server.client().upload(file, bytes);
    assertServes(server.client(), file, bytes);
    assertServes(server.client(), file, bytes);
    HttpResponse<byte[]> range = server.client().get(file, "Range", "bytes=2000000-2000999");
    assertEquals(206, range.statusCode());
    assertArrayEquals(Arrays.copyOfRange(bytes, 2_000_000, 2_001_000), range.body());
    assertEquals(3, storeGets(file));
    JsonObject cache = cacheCounters(server);
    assertEquals(3, cache.getLong("bypassed"), cache::encode);
    assertEquals(0, cache.getLong("usedBytes"), cache::encode);
  }

  @Test
  void aFullCacheDiskDegradesToStreamingFromTheStore() throws Exception {
    disk = SmallDisk.mount(cachePath, 80L * 1024 * 1024);
    String file = "full-1.0.0.tar.gz";
    byte[] bytes = TestBytes.random(4 * MB, 21);
    forwarder.count(storeGet(file));
    TestServer server = start();
    server.client().upload(file, bytes);

    // Something else fills the disk: less than the cache's headroom is left.
    Path ballast = temp.resolve("cache/ballast");
    disk.fill(ballast, 20L * 1024 * 1024);
    assertServes(server.client(), file, bytes);
    assertServes(server.client(), file, bytes);
    assertEquals(2, storeGets(file), "each read streamed from the store");
    JsonObject cache = cacheCounters(server);
    assertEquals(2, cache.getLong("bypassed"), cache::encode);
    assertEquals(0, cache.getLong("usedBytes"), cache::encode);

    // Room again: the next read fills the cache, the one after is a hit.
    Files.delete(ballast);
    assertServes(server.client(), file, bytes);
    assertServes(server.client(), file, bytes);
    assertEquals(3, storeGets(file));
    assertEquals(bytes.length, cacheCounters(server).getLong("usedBytes"));
  }

  @Test
  void aCachedVersionTheStoreConfirmedAMomentAgoIsOpenedWithoutAskingStorageAndCountedAsAHit() throws Exception {
    String file = "shortcut-1.0.0.tar.gz";
    byte[] first = TestBytes.random(MB, 40);
    byte[] second = TestBytes.random(MB + 1, 41);
    TestServer server = start(new JsonObject().put("revalidate_after", 3600));
    server.client().upload(file, first);
    assertServes(server.client(), file, first);   // the fill
    assertServes(server.client(), file, first);   // a hit, through storage
    long hitsBefore = cacheCounters(server).getLong("hits");
    double openReadsBefore = openReads(server);

    for (int i = 0; i < 20; i++) {
      assertServes(server.client(), file, first);
    }
    assertEquals(openReadsBefore, openReads(server), 0.1, "opened by the HTTP side itself, not asked of storage");
    assertEquals(hitsBefore + 20, cacheCounters(server).getLong("hits"), "each counted as a hit");

    // This server's own change is seen at once, whatever the interval; so is a delete.
    server.client().upload(file, second);
    assertServes(server.client(), file, second);
    assertEquals(200, server.client().delete(file).statusCode());
    assertEquals(404, server.client().get(file).statusCode());
  }

  private double openReads(TestServer server) throws Exception {
    HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(server.uri("/metrics")).GET().build(),
      HttpResponse.BodyHandlers.ofString());
    return new PrometheusText(metrics.body()).sum("pr_storage_requests_seconds_count", "operation", "open-read");
  }

  @Test
  void anotherWritersChangeIsSeenWithinTheRevalidationIntervalAndOurOwnAtOnce() throws Throwable {
    String file = "hot-1.0.0.tar.gz";
    byte[] first = TestBytes.random(MB, 30);
    byte[] second = TestBytes.random(MB + 1, 31);
    byte[] third = TestBytes.random(MB + 2, 32);
    forwarder.count(storeGet(file));
    forwarder.count(storeListing());
    TestServer eager = start(new JsonObject().put("revalidate_after", 0));
    cachePath = temp.resolve("cache-lazy");
    TestServer lazy = start(new JsonObject().put("revalidate_after", 3600));
    cachePath = temp.resolve("cache-default");
    TestServer usual = start();

    eager.client().upload(file, first);
    for (TestServer server : List.of(eager, lazy, usual)) {
      assertServes(server.client(), file, first);
      assertServes(server.client(), file, first);
    }
    assertEquals(3, storeGets(file), "one fill per server; the second reads were hits");
    assertEquals(1, eager.client().listing().size());
    assertEquals(1, lazy.client().listing().size());

    writeBehindOurBack(file, second);
    writeBehindOurBack("other-1.0.0.tar.gz", first);
    assertServes(eager.client(), file, second);   // revalidate_after 0: the store is asked each time
    assertEquals(2, eager.client().listing().size());
    assertServes(lazy.client(), file, first);     // within its hour: what it knew
    assertEquals(1, lazy.client().listing().size());
    Eventually.within(Duration.ofSeconds(10), () -> assertServes(usual.client(), file, second));   // the default 1 s

    // A change through a server is seen by that server at once, whatever its interval: applied to what it listed,
    // without listing the store again (so the other writer's package still waits for the interval).
    int listingsBefore = forwarder.timesSent(storeListing());
    lazy.client().upload(file, third);
    assertServes(lazy.client(), file, third);
    JsonArray listed = lazy.client().listing("?recency=5&detail=true");
    assertEquals(1, listed.size(), listed::encode);
    assertEquals(third.length, listed.getJsonObject(0).getJsonArray("latest_versions").getJsonObject(0)
      .getLong("size"), listed::encode);
    assertEquals(listingsBefore, forwarder.timesSent(storeListing()), "no listing of the store");
  }

  @Test
  void concurrentListingsCostTheStoreOneListingAndKeepReadYourWrites() throws Exception {
    forwarder.count(storeListing());
    TestServer server = start(new JsonObject().put("revalidate_after", 3600));
    ApiClient api = server.client();
    api.upload("app-1.0.0.tar.gz", TestBytes.random(100, 40));
    int before = forwarder.timesSent(storeListing());
    assertEquals(1, api.listing().size());
    int perListing = forwarder.timesSent(storeListing()) - before;
    assertTrue(perListing >= 1, "the store's listing request was counted");

    api.upload("app-1.0.1.tar.gz", TestBytes.random(100, 41));
    before = forwarder.timesSent(storeListing());
    HttpRequest list = HttpRequest.newBuilder(server.uri("/packages?recency=10")).GET().build();
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      answers.add(http.sendAsync(list, HttpResponse.BodyHandlers.ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> answer : answers) {
      HttpResponse<String> response = answer.get(30, TimeUnit.SECONDS);
      assertEquals(200, response.statusCode());
      JsonArray listing = new JsonArray(response.body());
      assertEquals(2, listing.getJsonObject(0).getJsonArray("latest_versions").size(),
        "the upload before is in every listing: " + response.body());
    }
    assertEquals(0, forwarder.timesSent(storeListing()) - before,
      "50 listings right after an upload through this server, none from the store: the upload was applied");
  }

  /**
   * A small tmpfs mounted over a directory, to fill the cache's disk for real; needs root (CI runs as root), and the
   * test is skipped where it cannot mount.
   */
  private static final class SmallDisk implements AutoCloseable {

    private final Path dir;

    private SmallDisk(Path dir) {
      this.dir = dir;
    }

    static SmallDisk mount(Path dir, long bytes) throws Exception {
      Files.createDirectories(dir);
      Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", dir.toString())
        .redirectErrorStream(true).start();
      String output = new String(mount.getInputStream().readAllBytes());
      Assumptions.assumeTrue(mount.waitFor() == 0,
        "a full cache disk needs a small tmpfs, which only root can mount (CI runs as root): " + output.trim());
      return new SmallDisk(dir);
    }

    /** Leaves {@code freeBytes} free on the disk, with one file. */
    void fill(Path file, long freeBytes) throws IOException {
      long usable = Files.getFileStore(dir).getUsableSpace();
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
        for (long left = usable - freeBytes; left > 0; left -= zeros.capacity()) {
          zeros.clear().limit((int) Math.min(left, zeros.capacity()));
          channel.write(zeros);
        }
      }
    }

    @Override
    public void close() throws Exception {
      Process umount = new ProcessBuilder("umount", dir.toString()).redirectErrorStream(true).start();
      String output = new String(umount.getInputStream().readAllBytes());
      if (umount.waitFor() != 0) {
        throw new IOException("umount " + dir + ": " + output.trim());
      }
    }
  }
}
