package org.packagerepository.retention;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.packagerepository.events.PackageEvents;
import org.packagerepository.http.TestServer;
import org.packagerepository.storage.PackageInfo;
import org.packagerepository.storage.StorageAddresses;
import org.packagerepository.storage.StorageClient;
import org.packagerepository.storage.StorageCodecs;
import org.packagerepository.storage.StorageError;

import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run against a stand-in for storage on the event bus, to arrange what a real store only does by chance: a version
 * replaced between the listing and the decision, and one replaced between the decision and its delete.
 */
class RetentionVerticleTest {

  private static final long DAY = 86_400_000L;

  private final Vertx vertx = Vertx.vertx();
  private final long now = System.currentTimeMillis();
  /** What the listing says: every version old, with the listing's own tags. */
  private final List<PackageInfo> listed = List.of(
    new PackageInfo("app-3.0.0.tar.gz", 30, now - 90 * DAY, "listed-3", null),
    new PackageInfo("app-2.0.0.tar.gz", 20, now - 90 * DAY, "listed-2", null),
    new PackageInfo("app-1.0.0.tar.gz", 10, now - 90 * DAY, "listed-1", null),
    new PackageInfo("app-0.9.0.tar.gz", 9, now - 90 * DAY, "listed-0.9", null));
  /**
   * What a stat says now: app-2.0.0 was uploaded again since the listing; the others are as listed, with the tags a
   * delete checks.
   */
  private final Map<String, PackageInfo> current = Map.of(
    "app-3.0.0.tar.gz", new PackageInfo("app-3.0.0.tar.gz", 30, now - 90 * DAY, "sha-3", "sha-3"),
    "app-2.0.0.tar.gz", new PackageInfo("app-2.0.0.tar.gz", 21, now - 1000, "sha-2-new", "sha-2-new"),
    "app-1.0.0.tar.gz", new PackageInfo("app-1.0.0.tar.gz", 10, now - 90 * DAY, "sha-1", "sha-1"),
    "app-0.9.0.tar.gz", new PackageInfo("app-0.9.0.tar.gz", 9, now - 90 * DAY, "sha-0.9", "sha-0.9"));
  private final List<String> deletes = new CopyOnWriteArrayList<>();
  private final List<String> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void standInForStorage() throws Exception {
    StorageCodecs.register(vertx);
    var bus = vertx.eventBus();
    TestServer.await(bus.<JsonObject>localConsumer(StorageAddresses.LIST,
      m -> m.reply(new StorageClient.Listing(1, listed))).completion());
    TestServer.await(bus.<JsonObject>localConsumer(StorageAddresses.STAT,
      m -> m.reply(current.get(m.body().getString("file")).toJson())).completion());
    TestServer.await(bus.<JsonObject>localConsumer(StorageAddresses.READ_STATE, m -> m.reply(new JsonObject()))
      .completion());
    TestServer.await(bus.<JsonObject>localConsumer(StorageAddresses.DELETE, m -> {
      String file = m.body().getString("file");
      deletes.add(file + " if " + m.body().getString("ifMatch"));
      if (file.equals("app-0.9.0.tar.gz")) {
        // uploaded again between the decision and the delete: its tag no longer matches
        m.fail(StorageError.PRECONDITION_FAILED.code(), file + " is at another version");
      } else {
        m.reply(new JsonObject());
      }
    }).completion());
    TestServer.await(bus.<JsonObject>localConsumer(PackageEvents.ADDRESS,
      m -> events.add(m.body().getString("state") + " " + m.body().getString("id"))).completion());
    TestServer.await(vertx.deployVerticle(new RetentionVerticle(new RetentionSettings(1, 30.0, null, 0),
      new DownloadTimes(InstantSource.system()), file -> false, InstantSource.system())));
  }

  @AfterEach
  void close() throws Exception {
    TestServer.await(vertx.close());
  }

  private JsonObject run(boolean dryRun) throws Exception {
    return TestServer.await(vertx.eventBus().<JsonObject>request(RetentionVerticle.ADDRESS,
      new JsonObject().put("dry_run", dryRun))).body();
  }

  @Test
  void eachDeleteIsConditionalOnTheTagOfTheVersionDecidedOnAndAReplacedOneIsReportedNotDeleted() throws Exception {
    JsonObject report = run(false);

    // app-2.0.0, young again since the listing, stays; the others are deleted only at the versions a stat saw
    assertEquals(List.of("app-1.0.0.tar.gz if sha-1", "app-0.9.0.tar.gz if sha-0.9"), deletes);
    assertEquals(List.of("app-1.0.0.tar.gz"), report.getJsonArray("deleted").stream()
      .map(e -> ((JsonObject) e).getString("file")).toList());
    JsonArray failed = report.getJsonArray("failed");
    assertEquals(1, failed.size());
    assertEquals("app-0.9.0.tar.gz", failed.getJsonObject(0).getString("file"));
    assertTrue(failed.getJsonObject(0).getString("reason").contains("replaced"), failed.encode());
    assertEquals(2, report.getInteger("kept"));
    // and only the version deleted is told of
    assertEquals(List.of("NOTCREATED app-1.0.0"), events);
  }

  @Test
  void aDryRunDeletesNothingAndTellsNobody() throws Exception {
    JsonObject report = run(true);

    assertEquals(List.of("app-1.0.0.tar.gz", "app-0.9.0.tar.gz"), report.getJsonArray("deleted").stream()
      .map(e -> ((JsonObject) e).getString("file")).toList());
    assertEquals(List.of(), deletes);
    assertEquals(List.of(), events);
  }
}
