package org.packagerepository.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PackageListingTest {

  private static List<JsonObject> objects(String... files) {
    return Arrays.stream(files).map(f -> new JsonObject().put("file", f)).toList();
  }

  private static JsonObject pkg(String name, String... versionsAndFiles) {
    JsonArray versions = new JsonArray();
    for (int i = 0; i < versionsAndFiles.length; i += 2) {
      versions.add(new JsonObject().put("version", versionsAndFiles[i]).put("file", versionsAndFiles[i + 1]));
    }
    return new JsonObject().put("name", name).put("latest_versions", versions);
  }

  static Stream<Arguments> listings() {
    List<JsonObject> mixed = objects(
        "zeta-1.0.0.tar.gz",
        "app-1.0.9.tar.gz",
        "app-1.0.10.tar.gz",
        "app-1.0.10-rc.1.tar.gz",
        "Beta-0.1.0.tar.gz",
        "app-2-1.2.3.tar.gz",
        "app-0.9.0.tar.gz");
    return Stream.of(
        Arguments.of("nothing", List.of(), 1, new JsonArray()),
        Arguments.of("one file", objects("app-1.0.0.tar.gz"), 1,
            new JsonArray().add(pkg("app", "1.0.0", "app-1.0.0.tar.gz"))),
        Arguments.of("files grouped by name, sorted by name and cut to the newest", mixed, 1,
            new JsonArray()
                .add(pkg("Beta", "0.1.0", "Beta-0.1.0.tar.gz"))
                .add(pkg("app", "1.0.10", "app-1.0.10.tar.gz"))
                .add(pkg("app-2", "1.2.3", "app-2-1.2.3.tar.gz"))
                .add(pkg("zeta", "1.0.0", "zeta-1.0.0.tar.gz"))),
        Arguments.of("recency 2 listing the two newest", mixed, 2,
            new JsonArray()
                .add(pkg("Beta", "0.1.0", "Beta-0.1.0.tar.gz"))
                .add(pkg("app", "1.0.10", "app-1.0.10.tar.gz", "1.0.10-rc.1", "app-1.0.10-rc.1.tar.gz"))
                .add(pkg("app-2", "1.2.3", "app-2-1.2.3.tar.gz"))
                .add(pkg("zeta", "1.0.0", "zeta-1.0.0.tar.gz"))),
        Arguments.of("recency larger than the versions there are", mixed, 100,
            new JsonArray()
                .add(pkg("Beta", "0.1.0", "Beta-0.1.0.tar.gz"))
                .add(pkg("app", "1.0.10", "app-1.0.10.tar.gz", "1.0.10-rc.1", "app-1.0.10-rc.1.tar.gz",
                    "1.0.9", "app-1.0.9.tar.gz", "0.9.0", "app-0.9.0.tar.gz"))
                .add(pkg("app-2", "1.2.3", "app-2-1.2.3.tar.gz"))
                .add(pkg("zeta", "1.0.0", "zeta-1.0.0.tar.gz"))),
        Arguments.of("two versions of recency 2", objects("app-1.0.0.tar.gz", "app-1.1.0.tar.gz"), 2,
            new JsonArray().add(pkg("app", "1.1.0", "app-1.1.0.tar.gz", "1.0.0", "app-1.0.0.tar.gz"))),
        // '.' (0x2E) sorts after '+' (0x2B), so descending puts the plain release first
        Arguments.of("equal precedence broken by file name, descending",
            objects("app-1.0.0+a.tar.gz", "app-1.0.0.tar.gz", "app-1.0.0+b.tar.gz"), 3,
            new JsonArray().add(pkg("app", "1.0.0", "app-1.0.0.tar.gz", "1.0.0+b", "app-1.0.0+b.tar.gz",
                "1.0.0+a", "app-1.0.0+a.tar.gz"))),
        Arguments.of("PEP-440-like pre-releases before their release",
            objects("app-1.0.0a1.tar.gz", "app-1.0.0.tar.gz", "app-1.0.0b1.tar.gz", "app-1.0.0rc1.tar.gz"), 4,
            new JsonArray().add(pkg("app", "1.0.0", "app-1.0.0.tar.gz", "1.0.0rc1", "app-1.0.0rc1.tar.gz",
                "1.0.0b1", "app-1.0.0b1.tar.gz", "1.0.0a1", "app-1.0.0a1.tar.gz"))),
        Arguments.of("the original's forms, newest first, each with its version as written",
            objects("app-1.0.9.tar.gz", "app-v1.0.0.tar.gz", "app-1.0.0.1.tar.gz", "app-2019.01.05.tar.gz",
                "app-1.0.0_b.tar.gz", "app-01.02.03.tar.gz", "app-1.0.10.tar.gz", "app-1.0.0.dev.tar.gz",
                "app-1.0.0+b7.tar.gz"), 9,
            new JsonArray().add(pkg("app",
                "2019.01.05", "app-2019.01.05.tar.gz",
                "01.02.03", "app-01.02.03.tar.gz",
                "1.0.10", "app-1.0.10.tar.gz",
                "1.0.9", "app-1.0.9.tar.gz",
                "1.0.0.1", "app-1.0.0.1.tar.gz",
                "1.0.0.dev", "app-1.0.0.dev.tar.gz",
                "1.0.0_b", "app-1.0.0_b.tar.gz",
                "v1.0.0", "app-v1.0.0.tar.gz",
                "1.0.0+b7", "app-1.0.0+b7.tar.gz"))),
        Arguments.of("invalid objects left out",
            List.of(
                new JsonObject().put("file", "../x-1.0.0.tar.gz"),
                new JsonObject().put("file", "ThisPackageShouldReallyNotExist"),
                new JsonObject().put("file", "app-1.0.tar.gz"),
                new JsonObject().put("file", 42),
                new JsonObject().put("size", 1L),
                new JsonObject().putNull("file"),
                new JsonObject().put("file", "app-1.0.0.tar.gz")), 1,
            new JsonArray().add(pkg("app", "1.0.0", "app-1.0.0.tar.gz"))),
        Arguments.of("a repeated file listed once", objects("app-1.0.0.tar.gz", "app-1.0.0.tar.gz"), 5,
            new JsonArray().add(pkg("app", "1.0.0", "app-1.0.0.tar.gz"))));
  }

  @ParameterizedTest(name = "listing {0} with recency {2}")
  @MethodSource("listings")
  void buildsTheListing(String what, List<JsonObject> objects, int recency, JsonArray expected) {
    assertEquals(expected, PackageListing.build(objects, recency, false));
  }

  @Test
  void withoutDetailEachPackageAndVersionHasExactlyTheSummaryKeys() {
    JsonObject stored = new JsonObject().put("file", "app-1.0.0.tar.gz").put("size", 10L)
        .put("sha256", "ab").put("modified", 0L).put("other", "x");
    JsonArray listing = PackageListing.build(List.of(stored), 1, false);
    JsonObject pkg = listing.getJsonObject(0);
    assertEquals(Set.of("name", "latest_versions"), pkg.fieldNames());
    assertEquals(Set.of("version", "file"), pkg.getJsonArray("latest_versions").getJsonObject(0).fieldNames());
  }

  @Test
  void withDetailEachVersionCarriesSizeSha256AndModifiedAlsoAsIso8601() {
    JsonObject stored = new JsonObject().put("file", "app-1.0.0.tar.gz").put("size", 1234L)
        .put("sha256", "e3b0c442").put("modified", 1700000000123L).put("other", "x");
    JsonObject version = PackageListing.build(List.of(stored), 1, true)
        .getJsonObject(0).getJsonArray("latest_versions").getJsonObject(0);
    assertEquals(new JsonObject()
        .put("version", "1.0.0")
        .put("file", "app-1.0.0.tar.gz")
        .put("size", 1234L)
        .put("sha256", "e3b0c442")
        .put("modified", 1700000000123L)
        .put("last_modified", "2023-11-14T22:13:20.123Z"), version);
  }

  @Test
  void withDetailFieldsMissingFromStorageAreLeftOut() {
    JsonObject version = PackageListing.build(objects("app-1.0.0.tar.gz"), 1, true)
        .getJsonObject(0).getJsonArray("latest_versions").getJsonObject(0);
    assertEquals(Set.of("version", "file"), version.fieldNames());
  }

  @ParameterizedTest(name = "recency {0} is rejected")
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
  void rejectsRecencyBelowOne(int recency) {
    assertThrows(IllegalArgumentException.class, () -> PackageListing.build(objects("app-1.0.0.tar.gz"), recency, false));
  }

  @Test
  void listsTenThousandObjectsInShuffledOrderTheSameAsSorted() {
    List<JsonObject> stored = new ArrayList<>();
    for (int p = 0; p < 100; p++) {
      for (int v = 0; v < 100; v++) {
        stored.add(new JsonObject().put("file", "pkg" + p + "-1." + v + ".0.tar.gz").put("size", (long) v));
      }
    }
    List<JsonObject> shuffled = new ArrayList<>(stored);
    Collections.shuffle(shuffled, new Random(1));
    JsonArray listing = PackageListing.build(shuffled, 3, false);
    assertEquals(PackageListing.build(stored, 3, false), listing);
    assertEquals(100, listing.size());
    assertEquals("pkg0", listing.getJsonObject(0).getString("name"));
    assertEquals("pkg1", listing.getJsonObject(1).getString("name"));
    assertEquals(new JsonArray()
            .add(new JsonObject().put("version", "1.99.0").put("file", "pkg0-1.99.0.tar.gz"))
            .add(new JsonObject().put("version", "1.98.0").put("file", "pkg0-1.98.0.tar.gz"))
            .add(new JsonObject().put("version", "1.97.0").put("file", "pkg0-1.97.0.tar.gz")),
        listing.getJsonObject(0).getJsonArray("latest_versions"));
  }
}
