package org.packagerepository.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP API as SPEC.md describes it, against whatever storage a subclass supplies. Every backend runs this suite
 * unchanged; a subclass only says how to reach a fresh, empty storage and how to look at it from outside.
 *
 * <p>Each test gets its own server (random port on 127.0.0.1, its own Vertx) over the storage that
 * {@link #backendSection()} returns, and stops it afterwards.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
public abstract class PackageApiContract {

  /** An awkward size: not a power of two, not a multiple of any buffer size. */
  protected static final int SIZE = 1_000_003;
  protected static final String APP = "app-1.0.0.tar.gz";

  private static final Duration CLEAN_UP_LIMIT = Duration.ofSeconds(10);
  private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

  protected TestServer server;
  protected ApiClient api;
  /** The pr-config.json of this test's storage, as {@link #backendSection()} gave it. */
  private JsonObject backend;

  // ---------------------------------------------------------------------------------------------------------------
  // What a backend supplies

  /**
   * The pr-config.json of a fresh, empty storage, without the {@code config} section, e.g.
   * {@code {"FsRepository": {"location": {"path": "/tmp/x"}}}}. Called once before each test.
   */
  protected abstract JsonObject backendSection() throws Exception;

  /**
   * Fails unless the storage holds no temporary or partial object (an unpublished upload, an orphaned multipart upload
   * or segment) and nothing was written outside the storage.
   */
  protected abstract void assertNothingLeftBehind() throws Exception;

  /** Stores an object as another tool would, bypassing the server. */
  protected abstract void putDirectly(String file, byte[] bytes) throws Exception;

  /** Called after each test, once the server has stopped: removes what the backend created. Nothing by default. */
  protected void cleanUpStorage() throws Exception {
  }

  @BeforeEach
  final void startServer() throws Exception {
    backend = backendSection();
    server = TestServer.start(backend);
    api = server.client();
  }

  /** Stops this test's server and starts a new one on the same storage, as an operator restarting it would. */
  protected void restartServer() throws Exception {
    TestServer stopping = server;
    server = null;
    stopping.close();
    server = TestServer.start(backend);
    api = server.client();
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

  // ---------------------------------------------------------------------------------------------------------------
  // Health probes

  @Test
  void liveAndReadyProbesAnswerJsonWhileTheBackendServes() throws Exception {
    for (String probe : List.of("/health/live", "/health/ready")) {
      HttpResponse<String> response = api.call("GET", probe);
      assertEquals(200, response.statusCode(), probe);
      assertEquals("application/json", header(response, "Content-Type"), probe);
      assertEquals("no-store", header(response, "Cache-Control"), probe);
      assertEquals(new JsonObject().put("status", "UP"), new JsonObject(response.body()), probe);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The original service's system test

  @Test
  @DisplayName("the original service's system test passes unchanged")
  void theOriginalSystemTestPasses() throws Exception {
    // given nothing but a running server
    HttpResponse<byte[]> missing = api.get("ThisPackageShouldReallyNotExist");
    assertEquals(404, missing.statusCode());

    // when the two versions of the system test's package are uploaded
    byte[] v2 = TestBytes.random(SIZE, 2);
    byte[] v1 = TestBytes.random(SIZE - 7, 1);
    api.upload("test_temp_sr_system_test-0.0.2.tar.gz", v2);
    HttpResponse<byte[]> downloaded = api.get("test_temp_sr_system_test-0.0.2.tar.gz");
    assertEquals(200, downloaded.statusCode());
    assertEquals(TestBytes.sha256Hex(v2), TestBytes.sha256Hex(downloaded.body()));
    api.upload("test_temp_sr_system_test-0.0.1.tar.gz", v1);

    // then recency=1 lists only the newest, recency=2 both, newest first
    assertEquals(List.of("0.0.2"), versionsOf(api.listing("?recency=1"), "test_temp_sr_system_test"));
    assertEquals(List.of("0.0.2", "0.0.1"), versionsOf(api.listing("?recency=2"), "test_temp_sr_system_test"));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Listing

  @Test
  void anEmptyRepositoryListsNothing() throws Exception {
    assertEquals(new JsonArray(), api.listing());
  }

  @Test
  void packagesAreListedSortedByName() throws Exception {
    for (String name : List.of("gamma", "alpha-beta", "beta", "alpha")) {
      api.upload(name + "-1.0.0.tar.gz", TestBytes.random(10, name.hashCode()));
    }

    JsonArray listing = api.listing();

    assertEquals(List.of("alpha", "alpha-beta", "beta", "gamma"), names(listing));
  }

  @Test
  void theListingHasExactlyTheOriginalShapeWithoutDetail() throws Exception {
    api.upload("spark-batch-example-app-1.0.23.tar.gz", TestBytes.random(100, 1));

    JsonArray listing = api.listing();

    assertEquals(new JsonArray().add(new JsonObject()
      .put("name", "spark-batch-example-app")
      .put("latest_versions", new JsonArray().add(new JsonObject()
        .put("version", "1.0.23")
        .put("file", "spark-batch-example-app-1.0.23.tar.gz")))), listing);
  }

  @Test
  void theListingShowsOnlyTheNewestVersionByDefault() throws Exception {
    api.upload("app-1.0.0.tar.gz", TestBytes.random(10, 1));
    api.upload("app-1.1.0.tar.gz", TestBytes.random(10, 2));
    api.upload("app-1.0.1.tar.gz", TestBytes.random(10, 3));

    assertEquals(List.of("1.1.0"), versionsOf(api.listing(), "app"));
  }

  @Test
  void versionsAreOrderedNumericallyNotAsText() throws Exception {
    for (String version : List.of("1.0.9", "1.0.10", "1.0.2", "2.0.0", "10.0.0")) {
      api.upload("app-" + version + ".tar.gz", TestBytes.random(10, version.hashCode()));
    }

    assertEquals(List.of("10.0.0", "2.0.0", "1.0.10", "1.0.9", "1.0.2"), versionsOf(api.listing("?recency=10"), "app"));
  }

  @Test
  void aPreReleaseIsOlderThanItsRelease() throws Exception {
    for (String version : List.of("1.0.0", "1.0.0-rc.1", "0.9.0", "1.0.0-alpha", "1.0.0-rc.2")) {
      api.upload("app-" + version + ".tar.gz", TestBytes.random(10, version.hashCode()));
    }

    assertEquals(List.of("1.0.0", "1.0.0-rc.2", "1.0.0-rc.1", "1.0.0-alpha", "0.9.0"),
      versionsOf(api.listing("?recency=10"), "app"));
    assertEquals(List.of("1.0.0"), versionsOf(api.listing(), "app"));
  }

  @Test
  void theOldAlphaAndBetaFormsAreOlderThanTheRelease() throws Exception {
    for (String version : List.of("1.0.0b1", "1.0.0", "1.0.0a1", "1.0.0a2")) {
      api.upload("legacy-" + version + ".tar.gz", TestBytes.random(10, version.hashCode()));
    }

    assertEquals(List.of("1.0.0", "1.0.0b1", "1.0.0a2", "1.0.0a1"), versionsOf(api.listing("?recency=4"), "legacy"));
  }

  @Test
  void aRecencyLargerThanTheNumberOfVersionsListsThemAll() throws Exception {
    api.upload("app-1.0.0.tar.gz", TestBytes.random(10, 1));
    api.upload("app-2.0.0.tar.gz", TestBytes.random(10, 2));

    assertEquals(List.of("2.0.0", "1.0.0"), versionsOf(api.listing("?recency=99999999999"), "app"));
  }

  @Test
  void aRecencyWithLeadingZerosIsTheNumber() throws Exception {
    // as the original's int() read it
    api.upload("app-1.0.0.tar.gz", TestBytes.random(10, 1));
    api.upload("app-2.0.0.tar.gz", TestBytes.random(10, 2));

    assertEquals(List.of("2.0.0"), versionsOf(api.listing("?recency=01"), "app"));
    assertEquals(List.of("2.0.0", "1.0.0"), versionsOf(api.listing("?recency=0000000000002"), "app"));
  }

  @ParameterizedTest(name = "recency=\"{0}\" is refused with 400")
  @ValueSource(strings = {"0", "000", "-1", "abc", "1.5", "", "%20", "1e3", "+1"})
  void aRecencyThatIsNotAPositiveWholeNumberIsRefused(String recency) throws Exception {
    api.upload(APP, TestBytes.random(10, 1));

    HttpResponse<String> response = api.call("GET", "/packages?recency=" + recency);

    assertJsonError(400, response);
  }

  @ParameterizedTest(name = "GET {0} is refused with 400")
  @ValueSource(strings = {"/packages?%zz", "/packages?recency=%z1", "/packages?detail=%"})
  void aQueryThatIsNotPercentEncodingIsRefused(String target) throws Exception {
    // Found by the fuzzer of src/bench/reliability.sh: Vert.x throws on such a query, and it was a 500.
    api.upload(APP, TestBytes.random(10, 1));

    RawHttp.Response response = RawHttp.exchange(server.port(), "GET", target, null);

    assertEquals(400, response.status(), response.statusLine());
    assertTrue(new JsonObject(response.bodyText()).getString("error").contains("percent-encoding"), response.bodyText());
  }

  @Test
  void detailAddsTheSizeAndChecksumOfEachVersion() throws Exception {
    byte[] bytes = TestBytes.random(SIZE, 1);
    api.upload(APP, bytes);

    JsonObject version = api.listing("?detail=true").getJsonObject(0).getJsonArray("latest_versions").getJsonObject(0);

    assertEquals(APP, version.getString("file"));
    assertEquals("1.0.0", version.getString("version"));
    assertEquals(SIZE, version.getLong("size"));
    assertEquals(TestBytes.sha256Hex(bytes), version.getString("sha256"));
  }

  @Test
  void detailShowsTheChecksumOfTheVersionThatReplacedAPackage() throws Exception {
    api.upload(APP, TestBytes.random(SIZE, 1));
    byte[] replacement = TestBytes.random(SIZE - 1, 2);
    api.upload(APP, replacement);

    JsonObject version = api.listing("?detail=true").getJsonObject(0).getJsonArray("latest_versions").getJsonObject(0);

    assertEquals(SIZE - 1, version.getLong("size"));
    assertEquals(TestBytes.sha256Hex(replacement), version.getString("sha256"));
  }

  @Test
  void theListingShowsAnUploadAndADeletionAsSoonAsTheyAreAnswered() throws Exception {
    for (int i = 0; i < 5; i++) {
      String file = "ryw-1.0." + i + ".tar.gz";
      api.upload(file, TestBytes.random(1000 + i, i));
      assertEquals(List.of(file), filesOf(api.listing(), "ryw"), "after PUT " + file);
    }
    for (int i = 4; i > 0; i--) {
      assertEquals(200, api.delete("ryw-1.0." + i + ".tar.gz").statusCode());
      assertEquals(List.of("ryw-1.0." + (i - 1) + ".tar.gz"), filesOf(api.listing(), "ryw"), "after DELETE 1.0." + i);
    }
    assertEquals(200, api.delete("ryw-1.0.0.tar.gz").statusCode());
    assertEquals(new JsonArray(), api.listing());
  }

  @Test
  void objectsWhoseNamesAreNotPackageNamesAreLeftOutOfTheListing() throws Exception {
    // given a package, and objects that other tools put next to it
    api.upload(APP, TestBytes.random(10, 1));
    for (String other : List.of("README.txt", "app-1.0.0.zip", "app-1.0.0.tgz", "notes.tar.gz", "app-latest.tar.gz",
      "-dash-1.0.0.tar.gz", "app-1.0.tar.gz", "app-V1.0.0.tar.gz", "app-1.0.0_.tar.gz")) {
      putDirectly(other, "not a package".getBytes(StandardCharsets.UTF_8));
    }

    // when the repository is listed, then only the package is there
    JsonArray listing = api.listing("?recency=10");
    assertEquals(List.of("app"), names(listing));
    assertEquals(List.of(APP), filesOf(listing, "app"));
    // and such an object cannot be downloaded either
    assertEquals(404, api.get("README.txt").statusCode());
    assertEquals(404, api.get("notes.tar.gz").statusCode());
  }

  @Test
  void aPackageThatAnotherToolStoredIsListedAndServed() throws Exception {
    byte[] bytes = TestBytes.random(SIZE, 5);
    putDirectly("dropped-2.1.0.tar.gz", bytes);

    assertEquals(List.of("dropped-2.1.0.tar.gz"), filesOf(api.listing(), "dropped"));
    HttpResponse<byte[]> response = api.get("dropped-2.1.0.tar.gz");
    assertEquals(200, response.statusCode());
    assertEquals(TestBytes.sha256Hex(bytes), TestBytes.sha256Hex(response.body()));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // A repository that the original service filled

  /**
   * Every file of the original's measured table (seed/original-behaviour.md) that it accepted, so stored: what an
   * existing repository may hold. {@code app-v1.0.0.tar.gz} too, which it stored but never listed. Not
   * {@code -1.0.0.tar.gz}, which it took with an empty name: SPEC.md refuses that name.
   */
  private static final List<String> STORED_BY_THE_ORIGINAL = List.of(
    "app-1.0.0.tar.gz", "app-10.20.30.tar.gz", "spark-batch-example-app-c-1.0.23.tar.gz", "App-1.0.0.tar.gz",
    "app.name-1.0.0.tar.gz", "my_app-1.2.3.tar.gz", "app-2019.01.05.tar.gz", "app-01.02.03.tar.gz",
    "app-1.0.0.1.tar.gz", "app-1.0.0.dev.tar.gz", "app-1.0.0_b.tar.gz", "app-1.0.0+b7.tar.gz", "app-v1.0.0.tar.gz");

  @Test
  void aRepositoryThatTheOriginalFilledIsListedWholeAndServedByteExactByAServerStartedOnIt() throws Exception {
    // given the storage of a repository that the original service filled, before this server starts on it
    Map<String, byte[]> stored = new LinkedHashMap<>();
    for (String file : STORED_BY_THE_ORIGINAL) {
      byte[] bytes = TestBytes.random(10_007 * (stored.size() + 1), file.hashCode());
      putDirectly(file, bytes);
      stored.put(file, bytes);
    }

    // when the server starts on it
    restartServer();

    // then every file is listed, with its version as written, newest first; and served as it was stored
    assertEquals(new JsonArray()
      .add(listed("App", "1.0.0", "App-1.0.0.tar.gz"))
      .add(listed("app",
        "2019.01.05", "app-2019.01.05.tar.gz",
        "10.20.30", "app-10.20.30.tar.gz",
        "01.02.03", "app-01.02.03.tar.gz",
        "1.0.0.1", "app-1.0.0.1.tar.gz",
        "1.0.0.dev", "app-1.0.0.dev.tar.gz",
        "1.0.0_b", "app-1.0.0_b.tar.gz",
        // the release three ways: equal precedence, newest first by file name ('v' > '.' > '+')
        "v1.0.0", "app-v1.0.0.tar.gz",
        "1.0.0", "app-1.0.0.tar.gz",
        "1.0.0+b7", "app-1.0.0+b7.tar.gz"))
      .add(listed("app.name", "1.0.0", "app.name-1.0.0.tar.gz"))
      .add(listed("my_app", "1.2.3", "my_app-1.2.3.tar.gz"))
      .add(listed("spark-batch-example-app-c", "1.0.23", "spark-batch-example-app-c-1.0.23.tar.gz")),
      api.listing("?recency=20"));
    for (Map.Entry<String, byte[]> file : stored.entrySet()) {
      HttpResponse<byte[]> response = api.get(file.getKey());
      assertEquals(200, response.statusCode(), file.getKey());
      assertEquals(TestBytes.sha256Hex(file.getValue()), TestBytes.sha256Hex(response.body()), file.getKey());
    }
  }

  private static JsonObject listed(String name, String... versionsAndFiles) {
    JsonArray versions = new JsonArray();
    for (int i = 0; i < versionsAndFiles.length; i += 2) {
      versions.add(new JsonObject().put("version", versionsAndFiles[i]).put("file", versionsAndFiles[i + 1]));
    }
    return new JsonObject().put("name", name).put("latest_versions", versions);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Names

  static Stream<String> validNames() {
    return Stream.of(
      "spark-batch-example-app-1.0.23.tar.gz",
      "test_temp_sr_system_test-0.0.2.tar.gz",
      "app-1.0.0-rc.1.tar.gz",
      "app-1.0.0-SNAPSHOT.tar.gz",
      "app-1.2.3+build.7.tar.gz",
      "app-1.0.0a1.tar.gz",
      "app-1.0.0b2.tar.gz",
      "my.pkg_name-0.1.0.tar.gz",
      "c++-tools-1.0.0.tar.gz",
      "_private-1.0.0.tar.gz",
      "Upper-Case-1.0.0.tar.gz",
      "lib-2.0.0-client-1.0.0.tar.gz",
      "a".repeat(255 - "-1.0.0.tar.gz".length()) + "-1.0.0.tar.gz");
  }

  @ParameterizedTest(name = "{0} is stored and served")
  @MethodSource("validNames")
  void aValidNameIsStoredServedListedAndDeleted(String file) throws Exception {
    byte[] bytes = TestBytes.random(4099, file.hashCode());

    JsonObject stored = api.upload(file, bytes);

    assertEquals(file, stored.getString("file"));
    HttpResponse<byte[]> response = api.get(file);
    assertEquals(200, response.statusCode());
    assertEquals(TestBytes.sha256Hex(bytes), TestBytes.sha256Hex(response.body()));
    assertEquals(List.of(file), api.listing().stream().map(p -> ((JsonObject) p).getJsonArray("latest_versions")
      .getJsonObject(0).getString("file")).toList());
    assertEquals(200, api.delete(file).statusCode());
    assertEquals(new JsonArray(), api.listing());
  }

  /** The names of the original's table that only its forms allow, and the version the listing shows for each. */
  static Stream<Arguments> theOriginalsForms() {
    return Stream.of(
      Arguments.of("app-2019.01.05.tar.gz", "2019.01.05"),
      Arguments.of("app-01.02.03.tar.gz", "01.02.03"),
      Arguments.of("app-1.0.0.1.tar.gz", "1.0.0.1"),
      Arguments.of("app-1.0.0.dev.tar.gz", "1.0.0.dev"),
      Arguments.of("app-1.0.0_b.tar.gz", "1.0.0_b"),
      Arguments.of("app-v1.0.0.tar.gz", "v1.0.0"),
      Arguments.of("app-1.0.0+b7.tar.gz", "1.0.0+b7"));
  }

  @ParameterizedTest(name = "{0}, which the original accepted, is stored, listed as {1}, served, ranged, revalidated and deleted")
  @MethodSource("theOriginalsForms")
  void aNameTheOriginalAcceptedWorksLikeAnyOther(String file, String version) throws Exception {
    byte[] bytes = TestBytes.random(SIZE, file.hashCode());

    JsonObject stored = api.upload(file, bytes);

    assertEquals(file, stored.getString("file"));
    assertEquals("app", stored.getString("name"));
    assertEquals(version, stored.getString("version"));
    assertEquals(new JsonArray().add(listed("app", version, file)), api.listing());
    assertServes(file, bytes);
    HttpResponse<byte[]> head = api.head(file);
    assertEquals(200, head.statusCode());
    assertEquals(String.valueOf(SIZE), header(head, "Content-Length"));
    HttpResponse<byte[]> part = api.get(file, "Range", "bytes=1000-1999");
    assertEquals(206, part.statusCode());
    assertEquals("bytes 1000-1999/" + SIZE, header(part, "Content-Range"));
    assertArrayEquals(Arrays.copyOfRange(bytes, 1000, 2000), part.body());
    assertEquals(304, api.get(file, "If-None-Match", header(head, "ETag")).statusCode());
    assertEquals(200, api.delete(file).statusCode());
    assertEquals(404, api.get(file).statusCode());
    assertEquals(new JsonArray(), api.listing());
    assertNothingLeftBehind();
  }

  @Test
  void theOriginalsVersionsAreListedNewestFirstWithNumericFieldsAsNumbers() throws Exception {
    List<String> newestFirst = List.of("2019.01.05", "01.02.03", "1.0.10", "1.0.9", "1.0.0.1", "1.0.0.dev", "1.0.0_b",
      "1.0.0", "1.0.0-rc.1", "1.0.0a1");
    List<String> uploadOrder = new ArrayList<>(newestFirst);
    Collections.shuffle(uploadOrder, new Random(15));
    for (String version : uploadOrder) {
      api.upload("app-" + version + ".tar.gz", TestBytes.random(100, version.hashCode()));
    }

    assertEquals(newestFirst, versionsOf(api.listing("?recency=20"), "app"));
    assertEquals(List.of("2019.01.05"), versionsOf(api.listing(), "app"));
  }

  @Test
  void aNameIsPercentDecodedOnce() throws Exception {
    byte[] bytes = TestBytes.random(100, 3);

    JsonObject stored = api.upload("app%2D1.0.0%2Etar.gz", bytes);

    assertEquals(APP, stored.getString("file"));
    assertEquals(TestBytes.sha256Hex(bytes), TestBytes.sha256Hex(api.get(APP).body()));
  }

  /** Request targets after {@code /packages/}, exactly as they go on the wire. */
  static Stream<Arguments> invalidNames() {
    return Stream.of(
      Arguments.of("encoded traversal", "..%2F..%2Fetc%2Fpasswd-1.0.0.tar.gz"),
      Arguments.of("encoded dots and slash", "%2e%2e%2fx-1.0.0.tar.gz"),
      Arguments.of("upper-case encoded dots and slash", "%2E%2E%2Fx-1.0.0.tar.gz"),
      Arguments.of("double-encoded traversal", "%252e%252e%252fx-1.0.0.tar.gz"),
      Arguments.of("literal dot segment", "../x-1.0.0.tar.gz"),
      Arguments.of("literal dot segments deeper", "a/../../x-1.0.0.tar.gz"),
      Arguments.of("encoded dot segment", "%2e%2e/x-1.0.0.tar.gz"),
      Arguments.of("dot segment back into packages", "sub/../app-1.0.0.tar.gz"),
      Arguments.of("sub-directory", "sub/app-1.0.0.tar.gz"),
      Arguments.of("encoded slash", "sub%2Fapp-1.0.0.tar.gz"),
      Arguments.of("NUL", "app%00-1.0.0.tar.gz"),
      Arguments.of("NUL before the extension", "app-1.0.0.tar.gz%00.tar.gz"),
      Arguments.of("backslash", "..%5Capp-1.0.0.tar.gz"),
      Arguments.of("control character", "app%01-1.0.0.tar.gz"),
      Arguments.of("line feed", "app%0A-1.0.0.tar.gz"),
      Arguments.of("CR LF", "app%0D%0AX-Injected:%20yes-1.0.0.tar.gz"),
      Arguments.of("tab", "app%09-1.0.0.tar.gz"),
      Arguments.of("DEL", "app%7F-1.0.0.tar.gz"),
      Arguments.of("space", "my%20app-1.0.0.tar.gz"),
      Arguments.of("non-ASCII", "caf%C3%A9-1.0.0.tar.gz"),
      Arguments.of("malformed percent-encoding", "app%zz-1.0.0.tar.gz"),
      Arguments.of("256 bytes", "a".repeat(256 - "-1.0.0.tar.gz".length()) + "-1.0.0.tar.gz"),
      Arguments.of(".tgz", "app-1.0.0.tgz"),
      Arguments.of(".zip", "app-1.0.0.zip"),
      Arguments.of("no extension", "app-1.0.0"),
      Arguments.of("only the extension", ".tar.gz"),
      Arguments.of("no version", "app.tar.gz"),
      Arguments.of("empty version", "app-.tar.gz"),
      Arguments.of("no name", "1.0.0.tar.gz"),
      Arguments.of("upper-case V before the version", "app-V1.0.0.tar.gz"),
      Arguments.of("empty suffix", "app-1.0.0_.tar.gz"),
      Arguments.of("word glued to the version", "app-1.0.0beta.tar.gz"),
      Arguments.of("empty name (the original took it; SPEC.md does not)", "-1.0.0.tar.gz"),
      Arguments.of("two-part version", "app-1.0.tar.gz"),
      Arguments.of("leading dot", ".app-1.0.0.tar.gz"),
      Arguments.of("leading dash", "-app-1.0.0.tar.gz"),
      Arguments.of("the original's not-found probe", "ThisPackageShouldReallyNotExist"),
      Arguments.of("the incoming directory", ".incoming"));
  }

  @ParameterizedTest(name = "{0}: PUT 400, GET/HEAD/DELETE 404, nothing stored")
  @MethodSource("invalidNames")
  void anInvalidNameIsRefusedEverywhereAndTouchesNothing(String what, String rawName) throws Throwable {
    String target = "/packages/" + rawName;
    byte[] body = "payload".getBytes(StandardCharsets.US_ASCII);

    RawHttp.Response put = RawHttp.exchange(server.port(), "PUT", target, body);
    RawHttp.Response get = RawHttp.exchange(server.port(), "GET", target, null);
    RawHttp.Response head = RawHttp.exchange(server.port(), "HEAD", target, null);
    RawHttp.Response delete = RawHttp.exchange(server.port(), "DELETE", target, null);

    assertAll(
      () -> assertRawJsonError(400, put, "PUT"),
      () -> assertRawJsonError(404, get, "GET"),
      () -> assertEquals(404, head.status(), "HEAD"),
      () -> assertRawJsonError(404, delete, "DELETE"));
    assertEquals(new JsonArray(), api.listing());
    assertNothingLeftBehind();
  }

  @Test
  void aDotSegmentNeverReachesAnExistingPackage() throws Exception {
    byte[] bytes = TestBytes.random(SIZE, 1);
    api.upload(APP, bytes);

    RawHttp.Response put = RawHttp.exchange(server.port(), "PUT", "/packages/sub/../" + APP, new byte[10]);
    RawHttp.Response encodedPut = RawHttp.exchange(server.port(), "PUT", "/packages/sub%2F..%2F" + APP, new byte[10]);
    RawHttp.Response delete = RawHttp.exchange(server.port(), "DELETE", "/packages/sub/../" + APP, null);
    RawHttp.Response encodedDelete = RawHttp.exchange(server.port(), "DELETE", "/packages/sub/%2e%2e/" + APP, null);

    assertEquals(400, put.status(), put.bodyText());
    assertEquals(400, encodedPut.status(), encodedPut.bodyText());
    assertEquals(404, delete.status(), delete.bodyText());
    assertEquals(404, encodedDelete.status(), encodedDelete.bodyText());
    assertServes(APP, bytes);
    assertNothingLeftBehind();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Download headers and HEAD

  @Test
  void aDownloadCarriesTheHeadersOfTheSpec() throws Exception {
    byte[] bytes = TestBytes.random(SIZE, 1);
    api.upload(APP, bytes);

    HttpResponse<byte[]> response = api.get(APP);

    String sha256 = TestBytes.sha256Hex(bytes);
    assertEquals(200, response.statusCode());
    assertEquals(sha256, TestBytes.sha256Hex(response.body()));
    assertEquals(String.valueOf(SIZE), header(response, "Content-Length"));
    assertEquals("application/gzip", header(response, "Content-Type"));
    assertEquals("bytes", header(response, "Accept-Ranges"));
    assertEquals("\"" + sha256 + "\"", header(response, "ETag"));
    assertEquals(sha256, header(response, "X-Checksum-Sha256"));
    assertNotNull(lastModified(response));
    assertNull(header(response, "Content-Encoding"), "never Content-Encoding: curl must save the bytes as they are");
  }

  @Test
  void headAnswersWithTheHeadersOfGetAndNoBody() throws Exception {
    byte[] bytes = TestBytes.random(SIZE, 1);
    api.upload(APP, bytes);

    HttpResponse<byte[]> get = api.get(APP);
    HttpResponse<byte[]> head = api.head(APP);

    assertEquals(200, head.statusCode());
    assertEquals(0, head.body().length);
    for (String name : List.of("Content-Length", "Content-Type", "Accept-Ranges", "ETag", "Last-Modified",
      "X-Checksum-Sha256")) {
      assertNotNull(header(head, name), name);
      assertEquals(header(get, name), header(head, name), name);
    }
    assertEquals(String.valueOf(SIZE), header(head, "Content-Length"));
  }

  @Test
  void aQueryStringDoesNotChangeWhichPackageIsServed() throws Exception {
    byte[] bytes = TestBytes.random(1000, 1);
    api.upload(APP, bytes);

    HttpResponse<byte[]> response = api.get(APP + "?cache-buster=123");

    assertEquals(200, response.statusCode());
    assertArrayEquals(bytes, response.body());
  }

  @Test
  void headOfAMissingPackageIs404() throws Exception {
    assertEquals(404, api.head("missing-1.0.0.tar.gz").statusCode());
  }

  @Test
  void anEmptyPackageIsStoredAndServedAsEmpty() throws Exception {
    JsonObject stored = api.upload("empty-1.0.0.tar.gz", new byte[0]);

    assertEquals(0, stored.getLong("size"));
    assertEquals(TestBytes.sha256Hex(new byte[0]), stored.getString("sha256"));
    HttpResponse<byte[]> response = api.get("empty-1.0.0.tar.gz");
    assertEquals(200, response.statusCode());
    assertEquals(0, response.body().length);
    assertEquals("0", header(response, "Content-Length"));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Ranges

  /** Range header, expected status, first and last byte (inclusive) of the expected body. */
  static Stream<Arguments> ranges() {
    int last = SIZE - 1;
    return Stream.of(
      Arguments.of("bytes=0-0", 206, 0, 0),
      Arguments.of("bytes=10-99", 206, 10, 99),
      Arguments.of("bytes=100-", 206, 100, last),
      Arguments.of("bytes=-10", 206, SIZE - 10, last),
      Arguments.of("bytes=" + last + "-" + last, 206, last, last),
      Arguments.of("bytes=" + (SIZE - 10) + "-" + (SIZE + 1000), 206, SIZE - 10, last),
      Arguments.of("bytes=0-99999999999999999999999", 206, 0, last),
      Arguments.of("bytes=-" + (SIZE + 1000), 206, 0, last),
      Arguments.of("bytes=0-1,5-9", 200, 0, last),
      Arguments.of("bytes=abc", 200, 0, last),
      Arguments.of("bytes=5-1", 200, 0, last),
      Arguments.of("items=0-1", 200, 0, last),
      Arguments.of("bytes=-", 200, 0, last),
      Arguments.of("0-99", 200, 0, last));
  }

  @ParameterizedTest(name = "Range: {0} gives {1} with bytes {2}-{3}")
  @MethodSource("ranges")
  void aRangeIsAnsweredWithExactlyThoseBytes(String range, int status, int first, int last) throws Exception {
    byte[] bytes = TestBytes.random(SIZE, 7);
    api.upload(APP, bytes);

    HttpResponse<byte[]> response = api.get(APP, "Range", range);

    assertEquals(status, response.statusCode());
    byte[] expected = Arrays.copyOfRange(bytes, first, last + 1);
    assertEquals(String.valueOf(expected.length), header(response, "Content-Length"));
    assertEquals(TestBytes.sha256Hex(expected), TestBytes.sha256Hex(response.body()));
    if (status == 206) {
      assertEquals("bytes " + first + "-" + last + "/" + SIZE, header(response, "Content-Range"));
    } else {
      assertNull(header(response, "Content-Range"));
    }
    // the headers describe the whole package, not the part
    assertEquals(TestBytes.sha256Hex(bytes), header(response, "X-Checksum-Sha256"));
  }

  @ParameterizedTest(name = "Range: {0} is 416")
  @ValueSource(strings = {"bytes=-0", "bytes=" + SIZE + "-", "bytes=" + SIZE + "-" + (SIZE + 10), "bytes=99999999-"})
  void anUnsatisfiableRangeIs416WithTheSize(String range) throws Exception {
    api.upload(APP, TestBytes.random(SIZE, 7));

    HttpResponse<byte[]> response = api.get(APP, "Range", range);

    assertEquals(416, response.statusCode());
    assertEquals("bytes */" + SIZE, header(response, "Content-Range"));
    assertTrue(new JsonObject(new String(response.body(), StandardCharsets.UTF_8)).containsKey("error"));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Conditional reads

  @Test
  void ifNoneMatchWithTheCurrentTagIsNotModified() throws Exception {
    api.upload(APP, TestBytes.random(SIZE, 1));
    String etag = header(api.head(APP), "ETag");

    HttpResponse<byte[]> same = api.get(APP, "If-None-Match", etag);
    HttpResponse<byte[]> any = api.get(APP, "If-None-Match", "*");
    HttpResponse<byte[]> inList = api.get(APP, "If-None-Match", "\"other\", " + etag);
    HttpResponse<byte[]> weak = api.get(APP, "If-None-Match", "W/" + etag);
    HttpResponse<byte[]> headSame = api.head(APP, "If-None-Match", etag);

    for (HttpResponse<byte[]> response : List.of(same, any, inList, weak, headSame)) {
      assertEquals(304, response.statusCode(), () -> response.request().headers().map().toString());
      assertEquals(0, response.body().length);
      assertEquals(etag, header(response, "ETag"));
      // no metadata of the body it does not send (RFC 9110 §15.4.5)
      assertTrue(response.headers().firstValue("Content-Type").isEmpty(), response.headers().toString());
      assertTrue(response.headers().firstValue(HeaderNames.CHECKSUM_SHA256.toString()).isEmpty(), response.headers().toString());
    }
  }

  @Test
  void ifNoneMatchWithAnotherTagSendsThePackage() throws Exception {
    byte[] bytes = TestBytes.random(SIZE, 1);
    api.upload(APP, bytes);

    HttpResponse<byte[]> response = api.get(APP, "If-None-Match", "\"" + "0".repeat(64) + "\"");

    assertEquals(200, response.statusCode());
    assertEquals(TestBytes.sha256Hex(bytes), TestBytes.sha256Hex(response.body()));
  }

  @Test
  void ifModifiedSinceAtOrAfterLastModifiedIsNotModified() throws Exception {
    api.upload(APP, TestBytes.random(SIZE, 1));
    ZonedDateTime modified = lastModified(api.head(APP));

    assertEquals(304, api.get(APP, "If-Modified-Since", HTTP_DATE.format(modified)).statusCode());
    assertEquals(304, api.get(APP, "If-Modified-Since", HTTP_DATE.format(modified.plusSeconds(1))).statusCode());
  }

  @Test
  void ifModifiedSinceBeforeLastModifiedSendsThePackage() throws Exception {
    byte[] bytes = TestBytes.random(SIZE, 1);
    api.upload(APP, bytes);
    ZonedDateTime modified = lastModified(api.head(APP));

    HttpResponse<byte[]> response = api.get(APP, "If-Modified-Since", HTTP_DATE.format(modified.minusDays(1)));

    assertEquals(200, response.statusCode());
    assertEquals(TestBytes.sha256Hex(bytes), TestBytes.sha256Hex(response.body()));
  }

  @Test
  void ifNoneMatchTakesPrecedenceOverIfModifiedSince() throws Exception {
    api.upload(APP, TestBytes.random(100, 1));
    ZonedDateTime modified = lastModified(api.head(APP));

    HttpResponse<byte[]> response = api.get(APP, "If-None-Match", "\"other\"",
      "If-Modified-Since", HTTP_DATE.format(modified));

    assertEquals(200, response.statusCode());
  }

  @Test
  void ifRangeWithTheCurrentTagGivesThePart() throws Exception {
    byte[] bytes = TestBytes.random(SIZE, 1);
    String etag = "\"" + api.upload(APP, bytes).getString("sha256") + "\"";

    HttpResponse<byte[]> response = api.get(APP, "Range", "bytes=1000-1999", "If-Range", etag);

    assertEquals(206, response.statusCode());
    assertArrayEquals(Arrays.copyOfRange(bytes, 1000, 2000), response.body());
  }

  @Test
  void ifRangeWithAnOldTagGivesTheWholeNewPackage() throws Exception {
    // given a client that downloaded part of the first version
    String oldEtag = header(putAndGetEtag(APP, TestBytes.random(SIZE, 1)), "ETag");
    byte[] second = TestBytes.random(SIZE + 11, 2);
    api.upload(APP, second);

    // when it resumes with the old tag
    HttpResponse<byte[]> response = api.get(APP, "Range", "bytes=1000-", "If-Range", oldEtag);

    // then it gets the new version whole
    assertEquals(200, response.statusCode());
    assertNull(header(response, "Content-Range"));
    assertEquals(TestBytes.sha256Hex(second), TestBytes.sha256Hex(response.body()));
  }

  @Test
  void ifMatchWithAnotherTagFailsAGet() throws Exception {
    api.upload(APP, TestBytes.random(100, 1));

    HttpResponse<byte[]> response = api.get(APP, "If-Match", "\"" + "0".repeat(64) + "\"");

    assertEquals(412, response.statusCode());
    assertTrue(new JsonObject(new String(response.body(), StandardCharsets.UTF_8)).containsKey("error"));
  }

  @Test
  void ifUnmodifiedSinceBeforeLastModifiedFailsAGet() throws Exception {
    api.upload(APP, TestBytes.random(100, 1));
    ZonedDateTime modified = lastModified(api.head(APP));

    assertEquals(412, api.get(APP, "If-Unmodified-Since", HTTP_DATE.format(modified.minusDays(1))).statusCode());
    assertEquals(200, api.get(APP, "If-Unmodified-Since", HTTP_DATE.format(modified)).statusCode());
  }

  @Test
  void ifMatchWithTheCurrentTagSendsThePackage() throws Exception {
    byte[] bytes = TestBytes.random(100, 1);
    api.upload(APP, bytes);

    HttpResponse<byte[]> response = api.get(APP, "If-Match", header(api.head(APP), "ETag"));

    assertEquals(200, response.statusCode());
    assertArrayEquals(bytes, response.body());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Uploads

  @Test
  void anUploadIsAnsweredWithWhatWasStored() throws Exception {
    byte[] bytes = TestBytes.random(SIZE, 1);

    HttpResponse<String> response = api.put("spark-batch-example-app-1.0.23.tar.gz", bytes);

    assertEquals(200, response.statusCode());
    assertTrue(header(response, "Content-Type").startsWith("application/json"));
    JsonObject body = new JsonObject(response.body());
    assertEquals(Set.of("file", "name", "version", "size", "sha256"), body.fieldNames());
    assertEquals("spark-batch-example-app-1.0.23.tar.gz", body.getString("file"));
    assertEquals("spark-batch-example-app", body.getString("name"));
    assertEquals("1.0.23", body.getString("version"));
    assertEquals(SIZE, body.getLong("size"));
    assertEquals(TestBytes.sha256Hex(bytes), body.getString("sha256"));
  }

  @Test
  void aChunkedUploadRoundTrips() throws Exception {
    byte[] bytes = TestBytes.random(SIZE, 1);

    HttpResponse<String> response = api.putChunked(APP, bytes);

    assertEquals(200, response.statusCode(), response.body());
    assertEquals(SIZE, new JsonObject(response.body()).getLong("size"));
    assertEquals(TestBytes.sha256Hex(bytes), TestBytes.sha256Hex(api.get(APP).body()));
  }

  @Test
  void aChunkedUploadWithAWrongChecksumStoresNothing() throws Exception {
    byte[] bytes = TestBytes.random(SIZE, 1);

    HttpResponse<String> response = api.putChunked(APP, bytes, "X-Checksum-Sha256", TestBytes.sha256Hex(new byte[1]));

    assertJsonError(400, response);
    assertEquals(404, api.get(APP).statusCode());
    assertEquals(new JsonArray(), api.listing());
    assertNothingLeftBehind();
  }

  @Test
  void anUploadWithTheRightChecksumIsStored() throws Exception {
    byte[] bytes = TestBytes.random(SIZE, 1);

    HttpResponse<String> response = api.put(APP, bytes, "X-Checksum-Sha256", TestBytes.sha256Hex(bytes));

    assertEquals(200, response.statusCode(), response.body());
    assertEquals(TestBytes.sha256Hex(bytes), TestBytes.sha256Hex(api.get(APP).body()));
  }

  @Test
  void anUploadWithTheRightContentDigestIsStored() throws Exception {
    byte[] bytes = TestBytes.random(SIZE, 1);

    HttpResponse<String> response = api.put(APP, bytes, "Content-Digest", TestBytes.contentDigest(bytes));

    assertEquals(200, response.statusCode(), response.body());
    assertEquals(TestBytes.sha256Hex(bytes), TestBytes.sha256Hex(api.get(APP).body()));
  }

  @Test
  void aWrongChecksumStoresNothingAndKeepsThePreviousVersion() throws Exception {
    // given a stored version
    byte[] old = TestBytes.random(SIZE, 1);
    api.upload(APP, old);
    byte[] replacement = TestBytes.random(SIZE + 1, 2);

    // when a replacement arrives with the checksum of other bytes
    HttpResponse<String> response = api.put(APP, replacement, "X-Checksum-Sha256", TestBytes.sha256Hex(old));

    // then it is refused and the old version is still served
    assertJsonError(400, response);
    assertServes(APP, old);
    assertNothingLeftBehind();
  }

  @Test
  void aWrongContentDigestStoresNothingAndKeepsThePreviousVersion() throws Exception {
    byte[] old = TestBytes.random(SIZE, 1);
    api.upload(APP, old);
    byte[] replacement = TestBytes.random(SIZE + 1, 2);

    HttpResponse<String> response = api.put(APP, replacement, "Content-Digest", TestBytes.contentDigest(old));

    assertJsonError(400, response);
    assertServes(APP, old);
    assertNothingLeftBehind();
  }

  @Test
  void aWrongChecksumOnANewPackageStoresNothing() throws Exception {
    byte[] bytes = TestBytes.random(SIZE, 1);

    HttpResponse<String> response = api.put(APP, bytes, "X-Checksum-Sha256", TestBytes.sha256Hex(new byte[0]));

    assertJsonError(400, response);
    assertEquals(404, api.get(APP).statusCode());
    assertEquals(new JsonArray(), api.listing());
    assertNothingLeftBehind();
  }

  @Test
  void checksumHeadersThatDisagreeAreRefused() throws Exception {
    byte[] bytes = TestBytes.random(1000, 1);

    RawHttp.Response response = putWithContinue(APP, bytes, "X-Checksum-Sha256: " + TestBytes.sha256Hex(bytes),
      "Content-Digest: " + TestBytes.contentDigest(new byte[0]));

    assertRawJsonError(400, response, "PUT");
    assertEquals(404, api.get(APP).statusCode());
  }

  @ParameterizedTest(name = "X-Checksum-Sha256: \"{0}\" is refused")
  @ValueSource(strings = {"abc", "not-hex-not-hex-not-hex-not-hex-not-hex-not-hex-not-hex-not-hex0"})
  void aMalformedChecksumIsRefused(String checksum) throws Exception {
    RawHttp.Response response = putWithContinue(APP, TestBytes.random(1000, 1), "X-Checksum-Sha256: " + checksum);

    assertRawJsonError(400, response, "PUT");
    assertEquals(404, api.get(APP).statusCode());
  }

  @Test
  void anUploadReplacesTheExistingPackageByDefault() throws Exception {
    byte[] first = TestBytes.random(SIZE, 1);
    byte[] second = TestBytes.random(SIZE - 2, 2);
    api.upload(APP, first);
    String firstEtag = header(api.head(APP), "ETag");

    api.upload(APP, second);

    HttpResponse<byte[]> response = api.get(APP);
    assertEquals(TestBytes.sha256Hex(second), TestBytes.sha256Hex(response.body()));
    assertNotEquals(firstEtag, header(response, "ETag"));
    assertEquals("\"" + TestBytes.sha256Hex(second) + "\"", header(response, "ETag"));
    assertEquals(List.of(APP), filesOf(api.listing("?recency=5"), "app"));
  }

  @Test
  void ifNoneMatchStarCreatesANewPackage() throws Exception {
    byte[] bytes = TestBytes.random(SIZE, 1);

    RawHttp.Response response = putWithContinue(APP, bytes, "If-None-Match: *");

    assertEquals(200, response.status(), response.bodyText());
    assertServes(APP, bytes);
  }

  @Test
  void ifNoneMatchStarDoesNotReplaceAnExistingPackage() throws Exception {
    byte[] old = TestBytes.random(SIZE, 1);
    api.upload(APP, old);

    RawHttp.Response response = putWithContinue(APP, TestBytes.random(SIZE, 2), "If-None-Match: *");

    assertRawJsonError(412, response, "PUT");
    assertServes(APP, old);
    assertNothingLeftBehind();
  }

  @Test
  void ifMatchWithTheCurrentTagReplacesThePackage() throws Exception {
    byte[] old = TestBytes.random(SIZE, 1);
    String etag = header(putAndGetEtag(APP, old), "ETag");
    byte[] replacement = TestBytes.random(SIZE, 2);

    RawHttp.Response response = putWithContinue(APP, replacement, "If-Match: " + etag);

    assertEquals(200, response.status(), response.bodyText());
    assertServes(APP, replacement);
  }

  @Test
  void ifMatchWithAStaleTagDoesNotReplaceThePackage() throws Exception {
    // given a version that replaced the one the client knows
    String stale = header(putAndGetEtag(APP, TestBytes.random(SIZE, 1)), "ETag");
    byte[] current = TestBytes.random(SIZE, 2);
    api.upload(APP, current);

    // when the client replaces "its" version
    RawHttp.Response response = putWithContinue(APP, TestBytes.random(SIZE, 3), "If-Match: " + stale);

    // then it is refused and the current version stays
    assertRawJsonError(412, response, "PUT");
    assertServes(APP, current);
    assertNothingLeftBehind();
  }

  @Test
  void ifMatchOnAMissingPackageFails() throws Exception {
    RawHttp.Response response = putWithContinue(APP, TestBytes.random(100, 1),
      "If-Match: \"" + TestBytes.sha256Hex(new byte[0]) + "\"");

    assertRawJsonError(412, response, "PUT");
    assertEquals(404, api.get(APP).statusCode());
  }

  @Test
  void ifMatchStarReplacesOnlyAnExistingPackage() throws Exception {
    RawHttp.Response onMissing = putWithContinue(APP, TestBytes.random(100, 1), "If-Match: *");
    assertRawJsonError(412, onMissing, "PUT on a missing package");

    api.upload(APP, TestBytes.random(100, 2));
    byte[] replacement = TestBytes.random(SIZE, 3);
    RawHttp.Response onExisting = putWithContinue(APP, replacement, "If-Match: *");

    assertEquals(200, onExisting.status(), onExisting.bodyText());
    assertServes(APP, replacement);
  }

  @Test
  void anUpperCaseChecksumIsAccepted() throws Exception {
    byte[] bytes = TestBytes.random(SIZE, 1);

    HttpResponse<String> response = api.put(APP, bytes, "X-Checksum-Sha256", TestBytes.sha256Hex(bytes).toUpperCase());

    assertEquals(200, response.statusCode(), response.body());
    assertEquals(TestBytes.sha256Hex(bytes), new JsonObject(response.body()).getString("sha256"));
  }

  @Test
  void aNewPackageIsInvisibleUntilItsUploadIsComplete() throws Exception {
    byte[] bytes = TestBytes.random(SIZE, 1);
    try (RawHttp http = RawHttp.connect(server.port())) {
      // given an upload that is half sent
      http.sendHead("PUT", "/packages/" + APP, "Content-Length: " + SIZE, "Expect: 100-continue");
      assertEquals(100, http.readResponse(false).status());
      http.send(bytes, 0, SIZE / 2);

      // then the package is neither listed nor served
      assertEquals(new JsonArray(), api.listing());
      assertEquals(404, api.get(APP).statusCode());
      assertEquals(404, api.head(APP).statusCode());

      // and when the rest arrives, it is
      http.send(bytes, SIZE / 2, SIZE - SIZE / 2);
      assertEquals(200, http.readResponse(false).status());
    }
    assertServes(APP, bytes);
    assertEquals(List.of(APP), filesOf(api.listing(), "app"));
  }

  @Test
  void theOldVersionIsServedUntilItsReplacementIsComplete() throws Exception {
    byte[] old = TestBytes.random(SIZE, 1);
    api.upload(APP, old);
    byte[] replacement = TestBytes.random(SIZE + 5, 2);
    try (RawHttp http = RawHttp.connect(server.port())) {
      http.sendHead("PUT", "/packages/" + APP, "Content-Length: " + replacement.length, "Expect: 100-continue");
      assertEquals(100, http.readResponse(false).status());
      http.send(replacement, 0, replacement.length / 2);

      assertServes(APP, old);
      assertEquals(String.valueOf(old.length), header(api.head(APP), "Content-Length"));

      http.send(replacement, replacement.length / 2, replacement.length - replacement.length / 2);
      assertEquals(200, http.readResponse(false).status());
    }
    assertServes(APP, replacement);
  }

  @Test
  void thePutResponseCarriesTheNewTag() throws Exception {
    byte[] bytes = TestBytes.random(100, 1);

    HttpResponse<String> response = api.put(APP, bytes);

    assertEquals(header(api.head(APP), "ETag"), header(response, "ETag"));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Expect: 100-continue, step by step

  @Test
  void aRefusedNameGetsItsErrorInsteadOf100Continue() throws Exception {
    try (RawHttp http = RawHttp.connect(server.port())) {
      http.sendHead("PUT", "/packages/..%2Fescape-1.0.0.tar.gz", "Content-Length: " + SIZE, "Expect: 100-continue");

      RawHttp.Response response = http.readResponse(false);

      assertEquals(400, response.status(), response.statusLine());
      assertEquals("close", response.header("Connection"));
      assertTrue(new JsonObject(response.bodyText()).containsKey("error"));
      assertTrue(http.closedByServer(), "the server closes the connection: the body it refused never comes");
    }
    assertEquals(new JsonArray(), api.listing());
    assertNothingLeftBehind();
  }

  @Test
  void aRefusedCreateOnlyUploadGetsItsErrorInsteadOf100Continue() throws Exception {
    byte[] old = TestBytes.random(SIZE, 1);
    api.upload(APP, old);
    try (RawHttp http = RawHttp.connect(server.port())) {
      http.sendHead("PUT", "/packages/" + APP, "Content-Length: " + SIZE, "Expect: 100-continue", "If-None-Match: *");

      RawHttp.Response response = http.readResponse(false);

      assertEquals(412, response.status(), response.statusLine());
      assertEquals("close", response.header("Connection"));
      assertTrue(new JsonObject(response.bodyText()).containsKey("error"));
      assertTrue(http.closedByServer(), "the server closes the connection: the body it refused never comes");
    }
    assertServes(APP, old);
    assertNothingLeftBehind();
  }

  @Test
  void anAcceptedUploadGets100ContinueThenItsAnswer() throws Exception {
    byte[] bytes = TestBytes.random(SIZE, 1);
    try (RawHttp http = RawHttp.connect(server.port())) {
      http.sendHead("PUT", "/packages/" + APP, "Content-Length: " + SIZE, "Expect: 100-continue");

      RawHttp.Response interim = http.readResponse(false);
      assertEquals("HTTP/1.1 100 Continue", interim.statusLine());
      http.send(bytes);
      RawHttp.Response response = http.readResponse(false);

      assertEquals(200, response.status(), response.bodyText());
      assertEquals(TestBytes.sha256Hex(bytes), new JsonObject(response.bodyText()).getString("sha256"));
    }
    assertServes(APP, bytes);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Interrupted uploads

  @Test
  void aClientThatDisconnectsMidUploadLeavesThePreviousStateAsItWas() throws Throwable {
    // given a stored version
    byte[] old = TestBytes.random(SIZE, 1);
    api.upload(APP, old);

    // when a replacement announces 2,000,000 bytes, sends 500,000 and goes away
    try (RawHttp http = RawHttp.connect(server.port())) {
      http.sendHead("PUT", "/packages/" + APP, "Content-Length: 2000000");
      http.send(TestBytes.random(500_000, 2));
    }

    // then nothing of it remains and the old version is served
    Eventually.within(CLEAN_UP_LIMIT, this::assertNothingLeftBehind);
    assertServes(APP, old);
    assertEquals(List.of(APP), filesOf(api.listing("?recency=5"), "app"));
  }

  @Test
  void aClientThatDisconnectsAfterTheUploadStartedLeavesNothingBehind() throws Throwable {
    // given a stored version, and an upload that storage has accepted (100 Continue comes after that)
    byte[] old = TestBytes.random(SIZE, 1);
    api.upload(APP, old);
    try (RawHttp http = RawHttp.connect(server.port())) {
      http.sendHead("PUT", "/packages/" + APP, "Content-Length: 2000000", "Expect: 100-continue");
      assertEquals(100, http.readResponse(false).status());

      // when the client sends a quarter and goes away
      http.send(TestBytes.random(500_000, 2));
    }

    // then nothing of it remains, the old version is served and the package can be replaced again
    Eventually.within(CLEAN_UP_LIMIT, this::assertNothingLeftBehind);
    assertServes(APP, old);
    byte[] next = TestBytes.random(SIZE, 3);
    api.upload(APP, next);
    assertServes(APP, next);
  }

  @Test
  void aNewPackageWhoseClientDisconnectsIsNeverListed() throws Throwable {
    try (RawHttp http = RawHttp.connect(server.port())) {
      http.sendHead("PUT", "/packages/" + APP, "Content-Length: 2000000", "Expect: 100-continue");
      assertEquals(100, http.readResponse(false).status());
      http.send(TestBytes.random(500_000, 2));
    }

    Eventually.within(CLEAN_UP_LIMIT, this::assertNothingLeftBehind);
    assertEquals(new JsonArray(), api.listing());
    assertEquals(404, api.get(APP).statusCode());
  }

  @Test
  void aBodyShorterThanItsContentLengthStoresNothing() throws Throwable {
    // given a stored version
    byte[] old = TestBytes.random(SIZE, 1);
    api.upload(APP, old);

    // when a client announces 1,000 bytes, sends 500 and says it has no more
    RawHttp.Response response = null;
    try (RawHttp http = RawHttp.connect(server.port())) {
      http.sendHead("PUT", "/packages/" + APP, "Content-Length: 1000", "Expect: 100-continue");
      assertEquals(100, http.readResponse(false).status());
      http.send(TestBytes.random(500, 2));
      http.shutdownOutput();
      try {
        response = http.readResponse(false);
      } catch (java.io.IOException closedWithoutAnAnswer) {
        // allowed: the server may treat the half-closed connection as gone
      }
    }

    // then, answered or not, nothing of it is stored
    if (response != null) {
      assertEquals(400, response.status(), response.bodyText());
    }
    Eventually.within(CLEAN_UP_LIMIT, this::assertNothingLeftBehind);
    assertServes(APP, old);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Concurrency

  @Test
  void ofRacingCreateOnlyUploadsExactlyOneSucceeds() throws Exception {
    List<RawHttp.Response> responses = Race.run(8, i -> RawHttp.putWithContinue(server.port(), "/packages/" + APP,
      TestBytes.random(SIZE + i, 100 + i), "If-None-Match: *"));

    List<RawHttp.Response> winners = responses.stream().filter(r -> r.status() == 200).toList();
    assertEquals(1, winners.size(), () -> Race.statusLines(responses).toString());
    assertTrue(responses.stream().allMatch(r -> r.status() == 200 || r.status() == 412),
      () -> Race.statusLines(responses).toString());
    String stored = new JsonObject(winners.get(0).bodyText()).getString("sha256");
    assertEquals(stored, TestBytes.sha256Hex(api.get(APP).body()));
    assertNothingLeftBehind();
  }

  @Test
  void ofRacingReplacementsOfTheSameVersionExactlyOneSucceeds() throws Exception {
    api.upload(APP, TestBytes.random(SIZE, 1));
    String etag = header(api.head(APP), "ETag");

    List<RawHttp.Response> responses = Race.run(8, i -> RawHttp.putWithContinue(server.port(), "/packages/" + APP,
      TestBytes.random(SIZE + i, 100 + i), "If-Match: " + etag));

    List<RawHttp.Response> winners = responses.stream().filter(r -> r.status() == 200).toList();
    assertEquals(1, winners.size(), () -> Race.statusLines(responses).toString());
    assertTrue(responses.stream().allMatch(r -> r.status() == 200 || r.status() == 412),
      () -> Race.statusLines(responses).toString());
    String stored = new JsonObject(winners.get(0).bodyText()).getString("sha256");
    assertEquals(stored, TestBytes.sha256Hex(api.get(APP).body()));
    assertNothingLeftBehind();
  }

  @Test
  void readersOfAPackageBeingDeletedGetTheWholePackageOrACleanNotFound() throws Exception {
    // given readers that download a package again and again
    byte[] bytes = TestBytes.random(100_003, 1);
    String sha256 = TestBytes.sha256Hex(bytes);
    api.upload(APP, bytes);
    ExecutorService threads = Executors.newFixedThreadPool(4);
    AtomicBoolean changing = new AtomicBoolean(true);
    AtomicInteger reads = new AtomicInteger();
    ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    try {
      List<Future<?>> readers = new ArrayList<>();
      for (int r = 0; r < 4; r++) {
        readers.add(threads.submit(() -> {
          while (changing.get()) {
            // each on its own connection, so that a response longer or shorter than announced shows
            RawHttp.Response response;
            try {
              response = RawHttp.exchange(server.port(), "GET", "/packages/" + APP, null);
            } catch (java.io.IOException e) {
              problems.add(e.getMessage());
              continue;
            }
            reads.incrementAndGet();
            boolean whole = response.status() == 200 && sha256.equals(TestBytes.sha256Hex(response.body()))
              && sha256.equals(response.header("X-Checksum-Sha256"));
            boolean notFound = response.status() == 404 && response.header("ETag") == null
              && response.header("X-Checksum-Sha256") == null
              && new JsonObject(response.bodyText()).containsKey("error");
            if (!whole && !notFound) {
              problems.add(response.statusLine() + " " + response.headers() + " " + response.body().length + " bytes");
            }
          }
          return null;
        }));
      }

      // when it is deleted and uploaded again and again
      for (int i = 0; i < 150; i++) {
        assertEquals(200, api.delete(APP).statusCode());
        api.upload(APP, bytes);
      }
      changing.set(false);
      for (Future<?> reader : readers) {
        reader.get(10, TimeUnit.SECONDS);
      }
    } finally {
      changing.set(false);
      threads.shutdownNow();
      assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS));
    }

    // then each read was the whole package or a 404 that describes only itself
    assertTrue(problems.isEmpty(), () -> problems.size() + " bad reads of " + reads.get() + ", e.g. " + problems.peek());
  }

  @Test
  void aDownloadThatHasStartedFinishesWithTheVersionItStartedWith() throws Exception {
    // given a download that has begun
    byte[] old = TestBytes.random(8_000_009, 1);
    api.upload(APP, old);
    HttpResponse<InputStream> download = api.getStream(APP);
    try (InputStream body = download.body()) {
      byte[] start = body.readNBytes(65_536);

      // when the package is replaced meanwhile
      api.upload(APP, TestBytes.random(SIZE, 2));

      // then the download still gets the whole version it started with, never a mix
      byte[] rest = body.readAllBytes();
      assertEquals(TestBytes.sha256Hex(old), TestBytes.sha256Hex(TestBytes.concat(start, rest)));
    }
  }

  @Test
  void aDownloadThatHasStartedIsNeverCutShortSilentlyByADeletion() throws Exception {
    // given a download that has begun
    byte[] old = TestBytes.random(8_000_009, 1);
    api.upload(APP, old);
    HttpResponse<InputStream> download = api.getStream(APP);
    try (InputStream body = download.body()) {
      byte[] start = body.readNBytes(65_536);

      // when the package is deleted meanwhile
      assertEquals(200, api.delete(APP).statusCode());

      // then the download gets the whole version, or fails visibly: never a short body that looks complete
      byte[] rest;
      try {
        rest = body.readAllBytes();
      } catch (java.io.IOException abortedVisibly) {
        return;
      }
      assertEquals(TestBytes.sha256Hex(old), TestBytes.sha256Hex(TestBytes.concat(start, rest)));
    }
  }

  @Test
  void readersOfAPackageBeingReplacedGetTheWholeOldOrTheWholeNewContent() throws Exception {
    // given two versions of one package, of different sizes
    byte[] a = TestBytes.random(3_000_017, 10);
    byte[] b = TestBytes.random(2_000_003, 11);
    Map<String, Integer> sizes = Map.of(TestBytes.sha256Hex(a), a.length, TestBytes.sha256Hex(b), b.length);
    api.upload(APP, a);

    ExecutorService threads = Executors.newFixedThreadPool(9);
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger reads = new AtomicInteger();
    ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    try {
      // when one thread replaces it again and again while eight read it
      List<Future<?>> readers = new ArrayList<>();
      for (int r = 0; r < 8; r++) {
        readers.add(threads.submit(() -> {
          while (writing.get()) {
            HttpResponse<InputStream> response = api.getStream(APP);
            TestBytes.Hashed body = TestBytes.sha256Hex(response.body());
            reads.incrementAndGet();
            String checksum = header(response, "X-Checksum-Sha256");
            if (response.statusCode() != 200 || !sizes.containsKey(body.sha256())
              || sizes.get(body.sha256()) != body.length()
              || !body.sha256().equals(checksum)
              || !("\"" + body.sha256() + "\"").equals(header(response, "ETag"))
              || !String.valueOf(body.length()).equals(header(response, "Content-Length"))) {
              problems.add("status " + response.statusCode() + ", " + body.length() + " bytes hashing to "
                + body.sha256() + ", X-Checksum-Sha256 " + checksum + ", ETag " + header(response, "ETag"));
            }
          }
          return null;
        }));
      }
      Future<?> writer = threads.submit(() -> {
        try {
          for (int i = 0; i < 20; i++) {
            byte[] next = i % 2 == 0 ? b : a;
            HttpResponse<String> response = api.put(APP, next);
            if (response.statusCode() != 200) {
              problems.add("PUT " + i + ": " + response.statusCode() + " " + response.body());
            }
          }
        } finally {
          writing.set(false);
        }
        return null;
      });
      writer.get(25, TimeUnit.SECONDS);
      for (Future<?> reader : readers) {
        reader.get(10, TimeUnit.SECONDS);
      }
    } finally {
      writing.set(false);
      threads.shutdownNow();
      assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS));
    }

    // then every read was one whole version, described by its own headers
    assertTrue(problems.isEmpty(), () -> problems.size() + " bad reads, e.g. " + problems.peek());
    assertTrue(reads.get() >= 8, "reads: " + reads.get());
    assertServes(APP, a);
    assertNothingLeftBehind();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Delete

  @Test
  void aDeletedPackageIsGoneAndCannotBeDeletedTwice() throws Exception {
    api.upload(APP, TestBytes.random(SIZE, 1));
    api.upload("app-0.9.0.tar.gz", TestBytes.random(10, 2));

    HttpResponse<String> first = api.delete(APP);

    assertEquals(200, first.statusCode());
    assertEquals(404, api.get(APP).statusCode());
    assertEquals(404, api.head(APP).statusCode());
    assertJsonError(404, api.delete(APP));
    assertEquals(List.of("app-0.9.0.tar.gz"), filesOf(api.listing("?recency=5"), "app"));
  }

  @Test
  void deletingAMissingPackageIs404() throws Exception {
    assertJsonError(404, api.delete("missing-1.0.0.tar.gz"));
    // A precondition never turns a 404 into a 412 (RFC 9110 §13.2.1).
    assertJsonError(404, api.delete("missing-1.0.0.tar.gz", "If-Match", "*"));
  }

  @Test
  void ifMatchWithAStaleTagDoesNotDeleteTheCurrentVersion() throws Exception {
    // given a version that replaced the one the client knows
    String stale = header(putAndGetEtag(APP, TestBytes.random(SIZE, 1)), "ETag");
    byte[] current = TestBytes.random(SIZE, 2);
    api.upload(APP, current);

    assertJsonError(412, api.delete(APP, "If-Match", stale));
    // a weak tag never matches in the strong comparison If-Match asks for
    assertJsonError(412, api.delete(APP, "If-Match", "W/" + header(api.head(APP), "ETag")));

    assertServes(APP, current);
    assertEquals(List.of(APP), filesOf(api.listing(""), "app"));
  }

  @Test
  void ifMatchWithTheCurrentTagDeletesThePackage() throws Exception {
    api.upload(APP, TestBytes.random(SIZE, 1));
    String etag = header(api.head(APP), "ETag");

    assertEquals(200, api.delete(APP, "If-Match", etag).statusCode());

    assertEquals(404, api.get(APP).statusCode());
    api.upload("app-2.0.0.tar.gz", TestBytes.random(10, 2));
    assertEquals(200, api.delete("app-2.0.0.tar.gz", "If-Match", "*").statusCode(), "* matches any version");
    assertTrue(api.listing("").isEmpty(), "nothing left");
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Other routes

  @ParameterizedTest(name = "{0} {1} is 404")
  @MethodSource("unknownRoutes")
  void anUnknownRouteIs404WithAJsonError(String method, String path) throws Exception {
    assertJsonError(404, api.call(method, path));
  }

  static Stream<Arguments> unknownRoutes() {
    return Stream.of(
      Arguments.of("GET", "/index.html"),
      Arguments.of("GET", "/nothing"),
      Arguments.of("GET", "/packagesx"),
      Arguments.of("GET", "/api/packages"),
      Arguments.of("DELETE", "/nothing"));
  }

  @Test
  void aPathThatIsNotValidPercentEncodingGetsAJsonError() throws Exception {
    RawHttp.Response response = RawHttp.exchange(server.port(), "GET", "/%zz", null);

    assertRawJsonError(400, response, "GET");
  }

  @Test
  void postOnAPackageIs405() throws Exception {
    api.upload(APP, TestBytes.random(10, 1));

    HttpResponse<String> response = api.call("POST", "/packages/" + APP);

    assertJsonError(405, response);
    assertNotNull(header(response, "Allow"));
    assertTrue(header(response, "Allow").contains("PUT"));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Helpers

  /** Fails unless the package is served with exactly these bytes, with their checksum. */
  protected void assertServes(String file, byte[] bytes) throws Exception {
    HttpResponse<byte[]> response = api.get(file);
    assertEquals(200, response.statusCode(), file);
    String sha256 = TestBytes.sha256Hex(bytes);
    assertEquals(sha256, TestBytes.sha256Hex(response.body()), "content of " + file);
    assertEquals(sha256, header(response, "X-Checksum-Sha256"));
  }

  /**
   * A PUT that the server may refuse before reading the body, sent as curl sends it (JDK 17's client hangs when
   * {@code Expect: 100-continue} is answered with a final status).
   */
  private RawHttp.Response putWithContinue(String file, byte[] body, String... headerLines) throws Exception {
    return RawHttp.putWithContinue(server.port(), "/packages/" + file, body, headerLines);
  }

  private HttpResponse<byte[]> putAndGetEtag(String file, byte[] bytes) throws Exception {
    api.upload(file, bytes);
    return api.head(file);
  }


  protected static String header(HttpResponse<?> response, String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  private static ZonedDateTime lastModified(HttpResponse<?> response) {
    String value = header(response, "Last-Modified");
    assertNotNull(value, "Last-Modified");
    return ZonedDateTime.parse(value, HTTP_DATE);
  }

  protected static void assertJsonError(int status, HttpResponse<String> response) {
    assertEquals(status, response.statusCode(), response.body());
    assertTrue(header(response, "Content-Type").startsWith("application/json"), header(response, "Content-Type"));
    String error = new JsonObject(response.body()).getString("error");
    assertNotNull(error, response.body());
    assertFalse(error.isBlank());
    assertFalse(error.contains("Exception"), "no stack trace: " + error);
  }

  private static void assertRawJsonError(int status, RawHttp.Response response, String method) {
    assertEquals(status, response.status(), () -> method + ": " + response.statusLine() + " " + response.bodyText());
    assertTrue(String.valueOf(response.header("Content-Type")).startsWith("application/json"), method);
    assertNotNull(new JsonObject(response.bodyText()).getString("error"), method);
  }

  /** Every version of every package that {@code GET /packages} shows. */
  protected java.util.Set<String> listedFiles() throws Exception {
    JsonArray listing = api.listing("?recency=99999999999");
    java.util.Set<String> files = new java.util.HashSet<>();
    for (Object pkg : listing) {
      for (Object version : ((JsonObject) pkg).getJsonArray("latest_versions")) {
        files.add(((JsonObject) version).getString("file"));
      }
    }
    return files;
  }

  protected static List<String> names(JsonArray listing) {
    return listing.stream().map(p -> ((JsonObject) p).getString("name")).toList();
  }

  private static JsonObject packageOf(JsonArray listing, String name) {
    return listing.stream().map(JsonObject.class::cast).filter(p -> p.getString("name").equals(name)).findFirst()
      .orElseThrow(() -> new AssertionError(name + " is not listed in " + listing.encode()));
  }

  protected static List<String> versionsOf(JsonArray listing, String name) {
    return packageOf(listing, name).getJsonArray("latest_versions").stream()
      .map(v -> ((JsonObject) v).getString("version")).toList();
  }

  protected static List<String> filesOf(JsonArray listing, String name) {
    return packageOf(listing, name).getJsonArray("latest_versions").stream()
      .map(v -> ((JsonObject) v).getString("file")).toList();
  }
}
