package org.packagerepository.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.packagerepository.http.Eventually;
import org.packagerepository.http.PrometheusText;
import org.packagerepository.http.Race;
import org.packagerepository.http.RawHttp;
import org.packagerepository.http.TcpForwarder;
import org.packagerepository.http.TestBytes;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What several instances over one store guarantee (SPEC.md, "Several instances"), written once and run on each remote
 * store: three members, each in its own JVM, reaching the store through one forwarder that counts the store's GETs.
 * Each member would use what the store said of a package for an hour ({@code revalidate_after}): only the cluster's
 * change events make a change seen. The members serve all the tests of a class (starting three JVMs that join takes
 * a while); each test works on packages of its own.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ClusterContract {

  /** Starts the store, once for the class, before the members. */
  protected abstract void startStore() throws Exception;

  /** Stops the store, after the members. */
  protected abstract void stopStore() throws Exception;

  /** The store's port on 127.0.0.1 (the forwarder's target). */
  protected abstract int storePort();

  /** Makes the store empty for a test. */
  protected abstract void freshStorage() throws Exception;

  /** The pr-config.json part of the store for a member that reaches it on {@code port}, with {@code cache}. */
  protected abstract JsonObject section(int port, JsonObject cache);

  /** The start of the store's request line of a GET of {@code file}'s bytes. */
  protected abstract String storeGet(String file);

  @TempDir
  static Path dir;
  /** Between the members and the store: counts the store's GETs. */
  private TcpForwarder forwarder;
  private ClusterMembers cluster;

  @BeforeAll
  void startMembers() throws Throwable {
    startStore();
    freshStorage();
    forwarder = TcpForwarder.to(storePort());
    cluster = new ClusterMembers(dir, i -> section(forwarder.port(), new JsonObject()
      .put("path", dir.resolve("cache-" + i).toString()).put("revalidate_after", 3600)), 3).start();
  }

  @AfterAll
  void stopMembers() throws Exception {
    try {
      if (cluster != null) {
        cluster.close();
      }
    } finally {
      try {
        if (forwarder != null) {
          forwarder.close();
        }
      } finally {
        stopStore();
      }
    }
  }

  @Test
  void aChangeAnsweredByOneMemberShowsInListingAndGetOnEveryOtherWithinASecond() throws Throwable {
    // given members that have listed the bucket and looked for the package (and would keep what they saw for an hour)
    for (int i = 0; i < 3; i++) {
      assertEquals(List.of(), versions(port(i), "app"));
      assertEquals(404, get(i, "app-1.0.0.tar.gz").status());
    }

    // a new package, then another version of it, then its deletion, each through another member
    byte[] first = TestBytes.random(300_007, 1);
    assertEquals(200, RawHttp.exchange(port(0), "PUT", "/packages/app-1.0.0.tar.gz", first).status());
    for (int i : new int[] {1, 2}) {
      Eventually.within(Duration.ofSeconds(1), () -> assertEquals(List.of("1.0.0"), versions(port(i), "app")));
      assertEquals(TestBytes.sha256Hex(first), TestBytes.sha256Hex(get(i, "app-1.0.0.tar.gz").body()));
    }

    byte[] second = TestBytes.random(200_003, 2);
    assertEquals(200, RawHttp.exchange(port(1), "PUT", "/packages/app-1.0.0.tar.gz", second).status());
    for (int i : new int[] {0, 2}) {
      Eventually.within(Duration.ofSeconds(1), () -> assertEquals(TestBytes.sha256Hex(second),
        TestBytes.sha256Hex(get(i, "app-1.0.0.tar.gz").body())));
    }

    assertEquals(200, RawHttp.exchange(port(2), "DELETE", "/packages/app-1.0.0.tar.gz", null).status());
    for (int i : new int[] {0, 1}) {
      Eventually.within(Duration.ofSeconds(1), () -> {
        assertEquals(List.of(), versions(port(i), "app"));
        assertEquals(404, get(i, "app-1.0.0.tar.gz").status());
      });
    }
  }

  @Test
  void twoCreateOnlyUploadsRacingOnTwoMembersNeverBothSucceed() throws Throwable {
    for (int round = 0; round < 10; round++) {
      String file = "race" + round + "-1.0.0.tar.gz";
      byte[][] bodies = {TestBytes.random(2_000_003, 10 + round), TestBytes.random(2_000_003, 100 + round)};

      List<RawHttp.Response> answers = Race.run(2, i -> RawHttp.exchange(port(i), "PUT", "/packages/" + file,
        bodies[i], "If-None-Match: *"));

      List<Integer> statuses = answers.stream().map(RawHttp.Response::status).sorted().toList();
      assertEquals(List.of(200, 412), statuses, "round " + round + ": exactly one writer wins");
      int winner = answers.get(0).status() == 200 ? 0 : 1;
      assertEquals(TestBytes.sha256Hex(bodies[winner]), TestBytes.sha256Hex(get(2, file).body()),
        "round " + round + ": the stored package is the winner's");
    }
  }

  @Test
  void twoChangesOfTheSameVersionOnTwoMembersNeverBothSucceed() throws Throwable {
    for (int round = 0; round < 10; round++) {
      String file = "ifmatch" + round + "-1.0.0.tar.gz";
      RawHttp.Response put = RawHttp.exchange(port(2), "PUT", "/packages/" + file, TestBytes.random(1000, round));
      assertEquals(200, put.status());
      String etag = "\"" + new JsonObject(new String(put.body())).getString("sha256") + "\"";
      // even rounds: two replacements of the version both writers know; odd rounds: its deletion and a replacement
      boolean deleting = round % 2 == 1;
      byte[][] bodies = {TestBytes.random(deleting ? 1000 : 2_000_003, 20 + round),
        TestBytes.random(deleting ? 1000 : 2_000_003, 40 + round)};

      List<RawHttp.Response> answers = Race.run(2, i -> i == 0 && deleting
        ? RawHttp.exchange(port(0), "DELETE", "/packages/" + file, null, "If-Match: " + etag)
        : RawHttp.exchange(port(i), "PUT", "/packages/" + file, bodies[i], "If-Match: " + etag));

      assertEquals(List.of(200, 412), answers.stream().map(RawHttp.Response::status).sorted().toList(),
        "round " + round + ": exactly one change of that version happens");
      int winner = answers.get(0).status() == 200 ? 0 : 1;
      RawHttp.Response after = get(2, file);
      if (deleting && winner == 0) {
        assertEquals(404, after.status(), "round " + round + ": deleted");
      } else {
        assertEquals(TestBytes.sha256Hex(bodies[winner]), TestBytes.sha256Hex(after.body()), "round " + round);
      }
    }
  }

  @Test
  void threeHundredColdReadersSpreadOverTheMembersCostTheStoreOneGetAndAllGetTheExactBytes() throws Throwable {
    // given a package just published, which no member has read
    byte[] bytes = TestBytes.random(4 * 1024 * 1024 + 13, 3);
    long[] missesBefore = {cacheMisses(0), cacheMisses(1), cacheMisses(2)};
    double fromOwnersBefore = clusterSum("pr_cluster_owner_reads_total", "outcome", "owner");
    double servedBefore = clusterSum("pr_cluster_peer_reads_total");
    assertEquals(200, RawHttp.exchange(port(0), "PUT", "/packages/deploy-1.0.0.tar.gz", bytes).status());
    String storeGet = storeGet("deploy-1.0.0.tar.gz");
    forwarder.count(storeGet);

    // when 300 hosts fetch it at once, 100 from each member
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<CompletableFuture<HttpResponse<byte[]>>> gets = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      gets.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(i % 3)
        + "/packages/deploy-1.0.0.tar.gz")).build(), HttpResponse.BodyHandlers.ofByteArray()));
    }

    // then every one gets the exact bytes, and the store was read once for the whole cluster
    String sha256 = TestBytes.sha256Hex(bytes);
    for (CompletableFuture<HttpResponse<byte[]>> get : gets) {
      HttpResponse<byte[]> response = get.get(120, TimeUnit.SECONDS);
      assertEquals(200, response.statusCode());
      assertEquals(sha256, TestBytes.sha256Hex(response.body()));
    }
    assertEquals(1, forwarder.timesSent(storeGet), "store GETs for the whole cluster");
    assertEquals(2, clusterSum("pr_cluster_owner_reads_total", "outcome", "owner") - fromOwnersBefore,
      "the two other members read it from its owner, once each (their own metric, not a client download)");
    assertEquals(2, clusterSum("pr_cluster_peer_reads_total") - servedBefore, "and the owner served them");

    // and each member keeps a copy of its own: later readers cost nobody anything
    for (int i = 0; i < 3; i++) {
      assertEquals(missesBefore[i] + 1, cacheMisses(i), "member " + i + " filled its cache once");
      assertEquals(sha256, TestBytes.sha256Hex(get(i, "deploy-1.0.0.tar.gz").body()));
    }
    assertEquals(1, forwarder.timesSent(storeGet));
  }

  @Test
  void aWarmAskedOfOneMemberFillsEveryMembersCacheWithOneStoreRead() throws Throwable {
    // given a package just published, which no member has read
    byte[] bytes = TestBytes.random(6 * 1024 * 1024 + 7, 4);
    long[] missesBefore = {cacheMisses(0), cacheMisses(1), cacheMisses(2)};
    assertEquals(200, RawHttp.exchange(port(1), "PUT", "/packages/warm-1.0.0.tar.gz", bytes).status());
    String storeGet = storeGet("warm-1.0.0.tar.gz");
    forwarder.count(storeGet);

    // when one member is asked to warm it
    RawHttp.Response started = RawHttp.exchange(port(2), "POST", "/warm",
      "{\"files\": [\"warm-1.0.0.tar.gz\"]}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
      "Content-Type: application/json");
    assertEquals(202, started.status(), started.bodyText());
    JsonObject answer = new JsonObject(started.bodyText());
    assertEquals(3, answer.getInteger("members"), answer::encode);

    // then every member says done, from any member asked, with the store read once for the cluster
    String status = "/warm/" + answer.getString("id");
    Eventually.within(Duration.ofSeconds(60), () -> {
      JsonObject now = new JsonObject(RawHttp.exchange(port(0), "GET", status, null).bodyText());
      assertEquals("done", now.getString("state"), now::encode);
    });
    JsonArray members = new JsonObject(RawHttp.exchange(port(1), "GET", status, null).bodyText())
      .getJsonArray("members");
    assertEquals(3, members.size(), members::encode);
    for (Object member : members) {
      JsonObject file = ((JsonObject) member).getJsonArray("files").getJsonObject(0);
      assertEquals(bytes.length, file.getLong("bytes"), members::encode);
    }
    assertEquals(1, forwarder.timesSent(storeGet), "store GETs for the whole cluster");
    for (int i = 0; i < 3; i++) {
      assertEquals(missesBefore[i] + 1, cacheMisses(i), "member " + i + " filled its cache");
      assertEquals(TestBytes.sha256Hex(bytes), TestBytes.sha256Hex(get(i, "warm-1.0.0.tar.gz").body()));
    }
    assertEquals(1, forwarder.timesSent(storeGet), "and the reads after it were the caches'");
  }

  private int port(int member) {
    return cluster.get(member).port();
  }

  private RawHttp.Response get(int member, String file) throws Exception {
    return RawHttp.exchange(port(member), "GET", "/packages/" + file, null);
  }

  /** The versions of package {@code name} that the member on {@code port} lists. */
  private static List<String> versions(int port, String name) throws Exception {
    RawHttp.Response response = RawHttp.exchange(port, "GET", "/packages?recency=100", null);
    assertTrue(response.status() == 200, response.statusLine());
    List<String> versions = new ArrayList<>();
    for (Object item : new JsonArray(new String(response.body()))) {
      JsonObject listed = (JsonObject) item;
      if (listed.getString("name").equals(name)) {
        listed.getJsonArray("latest_versions").forEach(v -> versions.add(((JsonObject) v).getString("version")));
      }
    }
    return versions;
  }

  /** A metric summed over the three members. */
  private double clusterSum(String name, String... labels) throws Exception {
    double sum = 0;
    for (int i = 0; i < 3; i++) {
      sum += new PrometheusText(new String(RawHttp.exchange(port(i), "GET", "/metrics", null).body())).sum(name, labels);
    }
    return sum;
  }

  private long cacheMisses(int member) throws Exception {
    JsonObject stats = new JsonObject(new String(RawHttp.exchange(port(member), "GET", "/stats", null).body()));
    return stats.getJsonObject("cache").getLong("misses");
  }
}
