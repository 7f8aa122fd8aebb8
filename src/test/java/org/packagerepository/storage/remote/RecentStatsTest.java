package org.packagerepository.storage.remote;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  @Test
  void downloadsInFlightShareOneRequestToTheStore() {
    List<Promise<String>> asked = new ArrayList<>();
    Supplier<Future<String>> ask = () -> {
      Promise<String> promise = Promise.promise();
      asked.add(promise);
      return promise.future();
    };
    Future<String> first = stats.get("a", false, ask);
    Future<String> second = stats.get("a", false, ask);
    Future<String> rechecked = stats.get("a", true, ask);
    assertEquals(1, asked.size(), "one request while it runs");
    asked.get(0).complete("v1");
    assertEquals(List.of("v1", "v1", "v1"), List.of(first.result(), second.result(), rechecked.result()));
    assertEquals("v1", stats.get("a", false, ask).result());
    assertEquals(1, asked.size(), "then the answer is kept");

    now.addAndGet(MAX_AGE);
    Future<String> beforeChange = stats.get("a", false, ask);
    stats.changed("a");   // this server replaced it meanwhile: the request in flight may describe the old version
    Future<String> afterChange = stats.get("a", false, ask);
    assertEquals(3, asked.size());
    asked.get(1).complete("v1");
    asked.get(2).complete("v2");
    assertEquals("v1", beforeChange.result());
    assertEquals("v2", afterChange.result());

    stats.changed("b");
    Future<String> failed = stats.get("b", false, ask);
    asked.get(3).fail(new IllegalStateException("the store is down"));
    assertTrue(failed.failed());
    stats.get("b", false, ask);
    assertEquals(5, asked.size(), "a failure is not kept");
  }
}
