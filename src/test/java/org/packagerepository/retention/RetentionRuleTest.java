package org.packagerepository.retention;

import org.junit.jupiter.api.Test;
import org.packagerepository.storage.PackageInfo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The retention rule alone: which versions go, and why each one stays. */
class RetentionRuleTest {

  private static final long DAY = 86_400_000L;
  private static final long NOW = 1_750_000_000_000L;

  /** A version stored {@code daysAgo} days before {@link #NOW}. */
  private static PackageInfo stored(String file, double daysAgo) {
    return new PackageInfo(file, 100, NOW - Math.round(daysAgo * DAY), "etag-" + file, null);
  }

  /** File name to what became of it: the reason it is kept, or "deleted: <why>". */
  private static Map<String, String> decide(RetentionSettings settings, List<PackageInfo> objects,
                                            Map<String, Long> downloads, Set<String> downloading) {
    Map<String, String> outcome = new LinkedHashMap<>();
    for (RetentionRule.Decision decision : new RetentionRule(settings).decide(objects, downloads::get,
      downloading::contains, NOW)) {
      outcome.put(decision.info().file(), decision.deleted() ? "deleted: " + decision.reason()
        : decision.kept().name());
    }
    return outcome;
  }

  @Test
  void theNewestKeepLastVersionsOfEachPackageStayWhateverTheirAgeInListingOrder() {
    // given versions stored in no particular order, all very old, of two packages
    List<PackageInfo> objects = List.of(stored("app-1.0.9.tar.gz", 400), stored("app-1.0.10.tar.gz", 400),
      stored("app-2.0.0-rc.1.tar.gz", 400), stored("app-2.0.0.tar.gz", 400), stored("app-1.0.0.tar.gz", 400),
      stored("lib-0.1.0.tar.gz", 400));

    Map<String, String> outcome = decide(new RetentionSettings(2, null, null, 0), objects, Map.of(), Set.of());

    // then per name, newest first by version precedence (not by time, not by text), the first two stay
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("app-2.0.0.tar.gz", "KEEP_LAST");
    expected.put("app-2.0.0-rc.1.tar.gz", "KEEP_LAST");
    expected.put("app-1.0.10.tar.gz", "deleted: beyond keep_last=2");
    expected.put("app-1.0.9.tar.gz", "deleted: beyond keep_last=2");
    expected.put("app-1.0.0.tar.gz", "deleted: beyond keep_last=2");
    expected.put("lib-0.1.0.tar.gz", "KEEP_LAST");
    assertEquals(expected, outcome);
    assertEquals(List.copyOf(expected.keySet()), List.copyOf(outcome.keySet()), "listing order");
  }

  @Test
  void versionsYoungerThanKeepDaysStayBeyondKeepLast() {
    List<PackageInfo> objects = List.of(stored("app-4.0.0.tar.gz", 40), stored("app-3.0.0.tar.gz", 29.9),
      stored("app-2.0.0.tar.gz", 30.1), stored("app-1.0.0.tar.gz", 1));

    Map<String, String> outcome = decide(new RetentionSettings(1, 30.0, null, 0), objects, Map.of(), Set.of());

    assertEquals(Map.of("app-4.0.0.tar.gz", "KEEP_LAST", "app-3.0.0.tar.gz", "KEEP_DAYS",
      "app-2.0.0.tar.gz", "deleted: beyond keep_last=1, older than keep_days=30",
      "app-1.0.0.tar.gz", "KEEP_DAYS"), outcome);
  }

  @Test
  void versionsDownloadedWithinKeepDownloadedDaysStay() {
    List<PackageInfo> objects = List.of(stored("app-3.0.0.tar.gz", 90), stored("app-2.0.0.tar.gz", 90),
      stored("app-1.0.0.tar.gz", 90), stored("app-0.9.0.tar.gz", 90));
    Map<String, Long> downloads = Map.of("app-2.0.0.tar.gz", NOW - 13 * DAY, "app-1.0.0.tar.gz", NOW - 15 * DAY);

    Map<String, String> outcome = decide(new RetentionSettings(1, 30.0, 14.0, 0), objects, downloads, Set.of());

    String why = "deleted: beyond keep_last=1, older than keep_days=30, not downloaded within 14 days";
    assertEquals(Map.of("app-3.0.0.tar.gz", "KEEP_LAST", "app-2.0.0.tar.gz", "DOWNLOADED",
      "app-1.0.0.tar.gz", why, "app-0.9.0.tar.gz", why), outcome);
  }

  @Test
  void aDownloadCountsOnlyWhenKeepDownloadedDaysIsSet() {
    List<PackageInfo> objects = List.of(stored("app-2.0.0.tar.gz", 90), stored("app-1.0.0.tar.gz", 90));

    Map<String, String> outcome = decide(new RetentionSettings(1, null, null, 0), objects,
      Map.of("app-1.0.0.tar.gz", NOW - DAY), Set.of());

    assertEquals("deleted: beyond keep_last=1", outcome.get("app-1.0.0.tar.gz"));
  }

  @Test
  void aVersionBeingDownloadedNowStays() {
    List<PackageInfo> objects = List.of(stored("app-2.0.0.tar.gz", 90), stored("app-1.0.0.tar.gz", 90));

    Map<String, String> outcome = decide(new RetentionSettings(1, 30.0, 14.0, 0), objects, Map.of(),
      Set.of("app-1.0.0.tar.gz"));

    assertEquals("DOWNLOADING", outcome.get("app-1.0.0.tar.gz"));
  }

  @Test
  void theNewestVersionStaysEvenIfEveryRuleWouldLetItGo() {
    // keep_last below 1 cannot be configured; the rule keeps one anyway
    List<PackageInfo> objects = List.of(stored("app-2.0.0.tar.gz", 900), stored("app-1.0.0.tar.gz", 900));

    Map<String, String> outcome = decide(new RetentionSettings(0, 1.0, 1.0, 0), objects, Map.of(), Set.of());

    assertEquals("KEEP_LAST", outcome.get("app-2.0.0.tar.gz"));
    assertEquals("deleted: beyond keep_last=0, older than keep_days=1, not downloaded within 1 days",
      outcome.get("app-1.0.0.tar.gz"));
  }

  @Test
  void objectsThatAreNotPackageFilesAreNeverTouched() {
    List<PackageInfo> objects = new ArrayList<>(List.of(stored("app-2.0.0.tar.gz", 900),
      stored("app-1.0.0.tar.gz", 900)));
    for (String other : List.of("README.txt", ".app-0.1.0.tar.gz", "-0.1.0.tar.gz", "app-0.1.0.tar.gz.tmp",
      "app.tar.gz", "notes/app-0.1.0.tar.gz")) {
      objects.add(stored(other, 900));
    }

    Map<String, String> outcome = decide(new RetentionSettings(1, null, null, 0), objects, Map.of(), Set.of());

    assertEquals(Map.of("app-2.0.0.tar.gz", "KEEP_LAST", "app-1.0.0.tar.gz", "deleted: beyond keep_last=1"),
      outcome);
  }
}
