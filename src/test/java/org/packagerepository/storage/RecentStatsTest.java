package org.packagerepository.storage;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RecentStatsTest {

  private static final long MAX_AGE = 5_000_000_000L;
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final RecentStats<String> stats = new RecentStats<>(MAX_AGE, now::get);

  @Test
  void anAnswerIsKeptForTheMaximumAge() {
    stats.put("a", "v1", stats.mark());
    assertEquals("v1", stats.fresh("a"));
    now.addAndGet(MAX_AGE - 1);
    assertEquals("v1", stats.fresh("a"));
    now.addAndGet(1);
    assertNull(stats.fresh("a"));
  }

  @Test
  void aMaximumAgeOfZeroAsksEveryTime() {
    RecentStats<String> always = new RecentStats<>(0, now::get);
    always.put("a", "v1", always.mark());
    assertNull(always.fresh("a"));
  }

  @Test
  void anAnswerToARequestSentBeforeAChangeOfThisServerIsNotKept() {
    long mark = stats.mark();
    stats.changed("b");   // any package: the answer may describe a version this server has replaced
    stats.put("a", "old", mark);
    assertNull(stats.fresh("a"));

    stats.put("a", "v2", stats.mark());
    stats.changed("a");
    assertNull(stats.fresh("a"), "a change forgets the package");
    stats.put("a", "v3", stats.mark());
    stats.forget("a");
    assertNull(stats.fresh("a"));
  }
}
