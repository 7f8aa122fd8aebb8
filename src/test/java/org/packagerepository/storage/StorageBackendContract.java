package org.packagerepository.storage;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.packagerepository.http.ApiClient;
import org.packagerepository.http.Eventually;
import org.packagerepository.http.RawHttp;
import org.packagerepository.http.TestBytes;
import org.packagerepository.http.TestServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every storage backend must do with the bytes it is given, whatever happens to the client, the server or the
 * store meanwhile, written once and run against each backend on its real server (the storage-level counterpart of
 * {@code PackageApiContract}). A subclass only sets up its store and says how to look at it from outside.
 *
 * <p>The tests speak in parts: {@link #partSize()} is the size at which the backend under test cuts an upload (an S3
 * part, a Swift segment), kept small, so that a few MiB make a package of many parts. Each test gets a server of its
 * own on a fresh, empty place in the store; after each test the store must hold nothing but packages the test stored
 * and objects it put there itself, with no upload, part or segment left behind (checked while the server still runs,
 * and again once it has stopped).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class StorageBackendContract {

  protected static final int MIB = 1024 * 1024;
  /** How long a server may take to clean up after an upload that failed without it being told (a client gone). */
  private static final Duration CLEAN_UP = Duration.ofSeconds(20);

  protected TestServer server;
  /** The pr-config.json of this test's server, as {@link #freshStorage()} gave it. */
  private JsonObject storageConfig;
  protected ApiClient api;
  /** Every package this test published and every object it put directly: all that the store may hold after it. */
  private final Set<String> mayRemain = new TreeSet<>();
  /** The objects this test put directly, which stay until the store is cleaned up. */
  private final Set<String> putDirectly = new TreeSet<>();

  // ---------------------------------------------------------------------------------------------------------------
  // What a backend supplies

  /**
   * The pr-config.json of a fresh, empty place in the store, without the {@code config} section, with uploads cut at
   * {@link #partSize()} and listings paged at {@link #pageSize()} where the backend has such settings. Called once
   * before each test.
   */
  protected abstract JsonObject freshStorage() throws Exception;

  /**
   * The size at which the server of {@link #freshStorage()} cuts an upload into parts; for a backend without parts,
   * the size the tests count in.
   */
  protected abstract int partSize();

  /**
   * How many names one listing request of the server of {@link #freshStorage()} gets at most; for a backend that reads
   * its listing in one pass, a size that makes the listing test's store a large one.
   */
  protected abstract int pageSize();

  /**
   * Stores an object as another tool would, bypassing the server. {@code name} is relative to the place of the
   * packages: {@code x} directly in it, {@code deeper/x} below it, {@code ../x} beside it.
   */
  protected abstract void storeDirectly(String name, byte[] bytes) throws Exception;

  /**
   * Every object in the store that a test could have left, named as {@link #storeDirectly} names them (a temporary
   * object of the backend's own under the place, e.g. {@code .incoming/x}, included), but not the bookkeeping of
   * uploads that {@link #assertNoUploadLeft()} looks at.
   */
  protected abstract Set<String> objects() throws Exception;

  /**
   * Fails while an upload is in progress in the store or has left something there that no package uses: a file in
   * {@code .incoming}, a multipart upload or its parts, a segment that no manifest names.
   */
  protected abstract void assertNoUploadLeft() throws Exception;

  /** Fails unless the store shows the upload of {@code file} in progress, with several of its parts written. */
  protected abstract void assertUploadUnderway(String file) throws Exception;

  /** Fails unless the store holds {@code file}, uploaded in many parts, as the backend stores such a package. */
  protected abstract void assertStoredInParts(String file, byte[] bytes) throws Exception;

  /**
   * Takes the store away from the running server, as a network, a store or a mount that fails: new requests to it
   * fail and open connections are cut.
   */
  protected abstract void storeGoesAway() throws Exception;

  /** Brings back the store that {@link #storeGoesAway()} took away, with what it held; nothing if it is there. */
  protected abstract void storeComesBack() throws Exception;

  /**
   * Aborts a test of a download cut by a store that goes away, for a backend whose open reads outlive the store's
   * going away. Nothing by default: the backend must cut the download.
   */
  protected void assumeDownloadsCanBeCut() {
  }

  /**
   * Aborts the test of an upload cut by a store that goes away, for a backend whose open writes outlive the store's
   * going away. Nothing by default: the backend must fail the upload.
   */
  protected void assumeUploadsCanBeCut() {
  }

  /**
   * What a download of a stored package answers while the store is away: 503, as SPEC.md asks of every request that
   * needs the store. A backend that does not do so yet says here what it answers instead, so that the gap shows, and
   * the day it is closed the test fails until the override goes.
   */
  protected int downloadStatusWhileTheStoreIsAway() {
    return 503;
  }

  /** Called after each test, once the server has stopped and the store is checked: removes what the backend made. */
  protected void cleanUpStorage() throws Exception {
  }

  @BeforeEach
  final void startServer() throws Exception {
    storageConfig = freshStorage();
    server = TestServer.start(storageConfig);
    api = server.client();
  }

  /**
   * After each test: with the store back, nothing is left behind while the server runs (its clean-up may still be
   * under way) nor once it has stopped (a stop that cuts uploads must clean up after them).
   */
  @AfterEach
  final void checkNothingLeftBehindAndStop() throws Throwable {
    try {
      storeComesBack();
      if (server != null) {
        Eventually.within(CLEAN_UP, this::assertOnlyWhatMayRemain);
        stopServer();
      }
      assertOnlyWhatMayRemain();
    } finally {
      try {
        if (server != null) {
          stopServer();
        }
      } finally {
        cleanUpStorage();
      }
    }
  }

  private void stopServer() throws Exception {
    TestServer stopping = server;
    server = null;
    stopping.close();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The check itself

  @Test
  void theLeftoverCheckSeesAnObjectThatTheTestDidNotPutThereWhereverItLies() throws Exception {
    // given a stored package, which is no leftover
    upload("app-1.0.0.tar.gz", TestBytes.random(1000, 12));
    assertNothingLeftBehind("app-1.0.0.tar.gz");

    // when something else lies beside it, below it, or beside the place of the packages, then the check sees it
    for (String stray : List.of("app-1.0.0.tar.gz.tmp", "deeper/stray-1.0.0.tar.gz", "../stray-1.0.0.tar.gz")) {
      storeDirectly(stray, new byte[1]);
      assertThrows(AssertionError.class, () -> assertNothingLeftBehind("app-1.0.0.tar.gz"), stray);
      // and once the test says it put it there, it is no leftover
      putDirectly(stray, new byte[1]);
      assertNothingLeftBehind("app-1.0.0.tar.gz");
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // State objects

  @Test
  void aStateObjectComesBackAsWrittenSurvivesARestartAndNeverShowsAsAPackage() throws Exception {
    // given a package, and no state object yet
    upload("app-1.0.0.tar.gz", TestBytes.random(1000, 21));
    String listing = api.call("GET", "/packages?recency=10").body();
    StorageClient storage = new StorageClient(server.vertx());
    assertEquals(null, TestServer.await(storage.readState("test-state")));

    // when one is written, then replaced
    mayRemain.add(".state/test-state.json");
    JsonObject first = new JsonObject().put("app-1.0.0.tar.gz", 1_700_000_000_000L);
    TestServer.await(storage.writeState("test-state", first));
    assertEquals(first, TestServer.await(storage.readState("test-state")));
    JsonObject second = new JsonObject().put("app-1.0.0.tar.gz", 1_700_000_000_001L).put("other-2.0.0.tar.gz", 5L);
    TestServer.await(storage.writeState("test-state", second));

    // then it reads back whole, from a restarted server too, and the listing is what it was
    assertEquals(second, TestServer.await(storage.readState("test-state")));
    assertEquals(listing, api.call("GET", "/packages?recency=10").body());
    stopServer();
    server = TestServer.start(storageConfig);
    api = server.client();
    assertEquals(second, TestServer.await(new StorageClient(server.vertx()).readState("test-state")));
    assertEquals(listing, api.call("GET", "/packages?recency=10").body());
    assertEquals(404, api.get(".state").statusCode());
  }

  @Test
  void aStateNameThatCouldLeaveItsPlaceIsRefused() throws Exception {
    StorageClient storage = new StorageClient(server.vertx());
    for (String name : List.of("../x", "a/b", "", "UPPER", ".hidden")) {
      StorageException refused = assertThrows(StorageException.class, () -> TestServer.await(storage.readState(name)),
        name);
      assertEquals(StorageError.INVALID_NAME, refused.error(), name);
      refused = assertThrows(StorageException.class, () -> TestServer.await(storage.writeState(name,
        new JsonObject())), name);
      assertEquals(StorageError.INVALID_NAME, refused.error(), name);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // A package of many parts

  @Test
  void aPackageOfManyPartsComesBackByteExactWholeAndInEveryRangeAndItsDeletionLeavesNothing() throws Exception {
    // given a package of twelve parts and a short one, uploaded chunked (size unknown)
    int part = partSize();
    byte[] bytes = TestBytes.random(12 * part + 12_345, 1);
    String sha256 = TestBytes.sha256Hex(bytes);
    mayRemain.add("big-1.0.0.tar.gz");
    HttpResponse<String> put = api.putChunked("big-1.0.0.tar.gz", bytes);
    assertEquals(200, put.statusCode(), put.body());
    assertEquals(sha256, new JsonObject(put.body()).getString("sha256"));

    // then the store holds it as the backend stores a package of many parts, and nothing else
    assertStoredInParts("big-1.0.0.tar.gz", bytes);
    assertNothingLeftBehind("big-1.0.0.tar.gz");

    // and it comes back byte-exact, with its checksum as its tag
    HttpResponse<byte[]> get = api.get("big-1.0.0.tar.gz");
    assertEquals(200, get.statusCode());
    assertArrayEquals(bytes, get.body());
    assertEquals("\"" + sha256 + "\"", get.headers().firstValue("etag").orElseThrow());
    // ranges within one part, across one boundary, across the second, across several, and the end
    long[][] ranges = {{10, 20}, {part - 5, part + 5}, {2L * part - 760, 2L * part + 240},
      {3L * part - 1, 7L * part + 1}, {12L * part, 12L * part + 12_344}};
    for (long[] range : ranges) {
      HttpResponse<byte[]> ranged = api.get("big-1.0.0.tar.gz", "Range", "bytes=" + range[0] + "-" + range[1]);
      assertEquals(206, ranged.statusCode(), "bytes " + range[0] + "-" + range[1]);
      assertArrayEquals(Arrays.copyOfRange(bytes, (int) range[0], (int) range[1] + 1), ranged.body(),
        "bytes " + range[0] + "-" + range[1]);
    }
    int suffix = part + 4;
    HttpResponse<byte[]> last = api.get("big-1.0.0.tar.gz", "Range", "bytes=-" + suffix);
    assertEquals(206, last.statusCode());
    assertArrayEquals(Arrays.copyOfRange(bytes, bytes.length - suffix, bytes.length), last.body());

    // when it is deleted, then it is gone with all its parts
    assertEquals(200, api.delete("big-1.0.0.tar.gz").statusCode());
    assertEquals(404, api.get("big-1.0.0.tar.gz").statusCode());
    assertNothingLeftBehind();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Uploads that do not finish

  @Test
  void aClientThatGoesAwayMidUploadLeavesNoPartAndNoPackage() throws Throwable {
    // given an upload that has sent several of its parts
    RawHttp upload = startUpload("gone-1.0.0.tar.gz", 1);

    // when its client goes away
    upload.close();

    // then the store holds nothing of it, and the package does not exist
    Eventually.within(CLEAN_UP, () -> assertNothingLeftBehind());
    assertEquals(404, api.get("gone-1.0.0.tar.gz").statusCode());
    assertEquals(new JsonArray(), api.listing());
  }

  @Test
  void aClientThatGoesAwayMidUploadOfAReplacementLeavesTheOldVersion() throws Throwable {
    // given a stored version, and the upload of its replacement that has sent several of its parts
    byte[] old = TestBytes.random(1000, 2);
    upload("gone-1.0.0.tar.gz", old);
    RawHttp replacement = startUpload("gone-1.0.0.tar.gz", 3);

    // when its client goes away
    replacement.close();

    // then the store holds nothing of it, and the old version is served
    Eventually.within(CLEAN_UP, () -> assertNothingLeftBehind("gone-1.0.0.tar.gz"));
    assertArrayEquals(old, api.get("gone-1.0.0.tar.gz").body());
  }

  @Test
  void aServerThatStopsDuringAnUploadLeavesNothingOnceStopped() throws Throwable {
    // given an upload that has sent several of its parts
    try (RawHttp http = startUpload("stop-1.0.0.tar.gz", 4)) {
      // when the server stops while the client is still there
      stopServer();
    }

    // then, as soon as it has stopped, the store holds nothing of the upload
    assertNothingLeftBehind();
  }

  @Test
  void aStoreThatGoesAwayDuringAnUploadFailsItWith503AndItsPartsGoOnceTheStoreIsBack() throws Throwable {
    assumeUploadsCanBeCut();
    // given an upload that has sent several of its parts
    try (RawHttp http = startUpload("cut-1.0.0.tar.gz", 5)) {
      // when the store goes away, and the client sends more of the body
      storeGoesAway();
      CompletableFuture.runAsync(() -> {
        try {
          http.send(TestBytes.random(2 * partSize(), 6));
        } catch (java.io.IOException e) {
          // the server gave up on the upload: expected
        }
      });

      // then it is answered while its body is still unfinished: the upload cannot go on
      assertEquals(503, http.readResponse(false).status());
    }

    // and once the store is back, nothing of the upload stays, and the package does not exist
    storeComesBack();
    Eventually.within(Duration.ofSeconds(30), this::assertNothingLeftBehind);
    assertEquals(404, api.get("cut-1.0.0.tar.gz").statusCode());
  }

  @Test
  void aWrongChecksumOnAnUploadOfSeveralPartsStoresNothingAndKeepsTheOldVersion() throws Exception {
    // given a package of several parts whose announced checksum is wrong: announced up front, it goes with the upload
    // all the way to the store, where the upload must not be completed
    byte[] bytes = TestBytes.random(2 * partSize() + 12_345, 5);
    String wrong = TestBytes.sha256Hex(new byte[1]);

    // when it is a new package, then it is refused and nothing of it is stored
    HttpResponse<String> fresh = api.putChunked("bad-1.0.0.tar.gz", bytes, "X-Checksum-Sha256", wrong);
    assertEquals(400, fresh.statusCode(), fresh.body());
    assertEquals(404, api.get("bad-1.0.0.tar.gz").statusCode());
    assertNothingLeftBehind();

    // when it replaces a stored version, then it is refused, nothing of it is stored and the old version stays
    byte[] old = TestBytes.random(1000, 6);
    upload("bad-1.0.0.tar.gz", old);
    HttpResponse<String> replacement = api.putChunked("bad-1.0.0.tar.gz", bytes, "X-Checksum-Sha256", wrong);
    assertEquals(400, replacement.statusCode(), replacement.body());
    assertArrayEquals(old, api.get("bad-1.0.0.tar.gz").body(), "the old version stays");
    assertNothingLeftBehind("bad-1.0.0.tar.gz");
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Listing

  @Test
  void aListingOfSeveralPagesIsCompleteAndLeavesOutWhatLiesDeeperOrBeside() throws Exception {
    // given more packages than one page holds (and at least ten: a few pages when pages are small), and objects below
    // and beside them
    int count = Math.max(pageSize() + 5, 10);
    for (int i = 0; i < count; i++) {
      putDirectly("many-1.0." + i + ".tar.gz", new byte[] {(byte) i});
    }
    putDirectly("deeper/other-1.0.0.tar.gz", new byte[1]);
    putDirectly("../elsewhere-1.0.0.tar.gz", new byte[1]);

    // when they are listed, then every package is there, and nothing else
    JsonArray listing = api.listing("?recency=" + 2 * count);
    assertEquals(1, listing.size(), listing.encode());
    assertEquals("many", listing.getJsonObject(0).getString("name"));
    assertEquals(count, listing.getJsonObject(0).getJsonArray("latest_versions").size());
    assertNothingLeftBehind();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // A store that goes away

  @Test
  void aStoreThatGoesAwayGives503AndTheServerRecoversWithoutARestart() throws Exception {
    // given a stored package and a ready server
    byte[] bytes = TestBytes.random(1000, 7);
    upload("up-1.0.0.tar.gz", bytes);
    assertEquals(200, api.call("GET", "/health/ready").statusCode());

    // when the store goes away, then the server is not ready, and the requests that need the store fail with 503
    storeGoesAway();
    ApiClient.assertNotReady(api);
    HttpResponse<byte[]> get = api.get("up-1.0.0.tar.gz");
    assertEquals(downloadStatusWhileTheStoreIsAway(), get.statusCode());
    assertTrue(new String(get.body()).contains("\"error\""), new String(get.body()));
    assertEquals(503, api.call("GET", "/packages").statusCode());
    assertEquals(503, api.put("down-1.0.0.tar.gz", bytes).statusCode());
    assertEquals(503, api.putChunked("down-1.0.0.tar.gz", TestBytes.random(2 * partSize() + 1, 8)).statusCode(),
      "a streamed upload of several parts");

    // when it comes back, then the same server is ready and serves, stores and lists again
    storeComesBack();
    assertEquals(200, api.call("GET", "/health/ready").statusCode());
    assertArrayEquals(bytes, api.get("up-1.0.0.tar.gz").body());
    upload("down-1.0.0.tar.gz", bytes);
    assertEquals(List.of("down", "up"), api.listing().stream().map(p -> ((JsonObject) p).getString("name")).toList());
    assertNothingLeftBehind("down-1.0.0.tar.gz", "up-1.0.0.tar.gz");
  }

  @Test
  void aStoreThatGoesAwayDuringADownloadCutsTheConnectionInsteadOfHanging() throws Exception {
    assumeDownloadsCanBeCut();
    // given a download under way of a package far larger than what the connections between here and the store buffer
    int size = 64 * MIB;
    upload("cut-1.0.0.tar.gz", TestBytes.random(size, 9));
    HttpResponse<InputStream> get = api.getStream("cut-1.0.0.tar.gz");
    assertEquals(200, get.statusCode());
    try (InputStream body = get.body()) {
      assertEquals(MIB, body.readNBytes(MIB).length);

      // when the store goes away
      storeGoesAway();

      // then the rest of the package never comes: the client sees the connection end early, soon, not wait forever
      long read = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
        long n = MIB;
        try {
          for (byte[] chunk = body.readNBytes(65536); chunk.length > 0; chunk = body.readNBytes(65536)) {
            n += chunk.length;
          }
        } catch (IOException e) {
          return -1L;
        }
        return n;
      });
      assertTrue(read < size, "a cut download must not look complete (read " + read + " bytes)");
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Helpers

  /**
   * Starts the upload of a new version of {@code file} announced at twelve parts and a bit, sends four parts and
   * waits until the store shows it under way; the caller decides what happens next.
   */
  private RawHttp startUpload(String file, long seed) throws Throwable {
    int part = partSize();
    RawHttp http = RawHttp.connect(server.port());
    try {
      http.sendHead("PUT", "/packages/" + file, "Content-Length: " + (12L * part + 12_345), "Expect: 100-continue");
      assertEquals(100, http.readResponse(false).status());
      http.send(TestBytes.random(4 * part, seed));
      Eventually.within(CLEAN_UP, () -> assertUploadUnderway(file));
      assertThrows(AssertionError.class, this::assertNoUploadLeft, "the leftover check sees an upload under way");
      return http;
    } catch (Throwable e) {
      http.close();
      throw e;
    }
  }

  /** A PUT that must succeed; the package may then stay in the store. */
  protected void upload(String file, byte[] bytes) throws Exception {
    mayRemain.add(file);
    api.upload(file, bytes);
  }

  /** {@link #storeDirectly}, remembered: the object stays in the store until the test's clean-up. */
  protected void putDirectly(String name, byte[] bytes) throws Exception {
    mayRemain.add(name);
    putDirectly.add(name);
    storeDirectly(name, bytes);
  }

  /**
   * Fails unless no upload is left in the store and it holds exactly {@code packages} (as complete objects, with
   * whatever parts they use) and the objects this test put there directly: no temporary object, nothing beside or
   * below the place of the packages that the test did not put there.
   */
  protected void assertNothingLeftBehind(String... packages) throws Exception {
    assertNoUploadLeft();
    Set<String> expected = new TreeSet<>(putDirectly);
    expected.addAll(List.of(packages));
    assertEquals(expected, new TreeSet<>(objects()), "what the store holds");
  }

  /** What the check after each test asks: no upload left, and nothing but what the test stored or put there. */
  private void assertOnlyWhatMayRemain() throws Exception {
    assertNoUploadLeft();
    Set<String> unexpected = new TreeSet<>(objects());
    unexpected.removeAll(mayRemain);
    assertEquals(Set.of(), unexpected, "objects that this test neither stored as packages nor put there itself");
  }
}
