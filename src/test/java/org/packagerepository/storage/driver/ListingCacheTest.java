package org.packagerepository.storage.driver;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.packagerepository.storage.PackageInfo;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class ListingCacheTest {

  private static final long ONE_MINUTE = TimeUnit.MINUTES.toNanos(1);

  private static PackageInfo object(String file) {
    return new PackageInfo(file, 1, 1, null, null);
  }

  @Test
  void aYoungListingIsServedWithoutFetchingAgain() {
    ListingCache cache = new ListingCache(ONE_MINUTE);
    AtomicInteger fetches = new AtomicInteger();
    List<PackageInfo> objects = List.of(object("a-1.0.0.tar.gz"));
    cache.get(() -> { fetches.incrementAndGet(); return Future.succeededFuture(objects); });
    ListingCache.Listing again = cache.get(() -> { fetches.incrementAndGet(); return Future.succeededFuture(objects); }).result();
    assertEquals(1, fetches.get());
    assertEquals(objects, again.objects());
  }

  @Test
  void aListingSlowerThanItsMaximumAgeIsStillServedForThatAgeOnceItArrives() {
    AtomicLong now = new AtomicLong(1_000);
    ListingCache cache = new ListingCache(100, now::get);
    AtomicInteger fetches = new AtomicInteger();
    Promise<List<PackageInfo>> slow = Promise.promise();
    List<PackageInfo> objects = List.of(object("a-1.0.0.tar.gz"));
    Future<ListingCache.Listing> first = cache.get(() -> { fetches.incrementAndGet(); return slow.future(); });

    now.addAndGet(150);   // the store takes longer to list than the maximum age
    slow.complete(objects);
    now.addAndGet(99);

    ListingCache.Listing again = cache.get(() -> { fetches.incrementAndGet(); return Future.succeededFuture(objects); })
      .result();
    assertEquals(1, fetches.get(), "served from the listing that arrived 99 ns ago");
    assertEquals(first.result(), again);
    now.addAndGet(1);
    cache.get(() -> { fetches.incrementAndGet(); return Future.succeededFuture(objects); });
    assertEquals(2, fetches.get(), "expired once as old as the maximum age");
  }

  @Test
  void aFetchThatIsDoneAtOnceIsNotServedOnceExpired() {
    AtomicLong now = new AtomicLong(1_000);
    ListingCache cache = new ListingCache(100, now::get);
    AtomicInteger fetches = new AtomicInteger();
    cache.get(() -> { fetches.incrementAndGet(); return Future.succeededFuture(List.of(object("a-1.0.0.tar.gz"))); });

    now.addAndGet(100);
    List<PackageInfo> later = List.of(object("a-1.0.0.tar.gz"), object("b-1.0.0.tar.gz"));
    ListingCache.Listing again = cache.get(() -> { fetches.incrementAndGet(); return Future.succeededFuture(later); })
      .result();

    assertEquals(2, fetches.get(), "fetched again once expired");
    assertEquals(later, again.objects());
  }

  @Test
  void anInvalidatedListingIsFetchedAgainAndAnUnchangedOneKeepsItsGeneration() {
    ListingCache cache = new ListingCache(ONE_MINUTE);
    List<PackageInfo> objects = List.of(object("a-1.0.0.tar.gz"));
    long first = cache.get(() -> Future.succeededFuture(objects)).result().generation();
    cache.invalidate();
    long unchanged = cache.get(() -> Future.succeededFuture(List.copyOf(objects))).result().generation();
    cache.invalidate();
    ListingCache.Listing changed = cache.get(() -> Future.succeededFuture(List.of(object("b-1.0.0.tar.gz")))).result();
    assertEquals(first, unchanged);
    assertNotEquals(first, changed.generation());
  }

  @Test
  void aChangeMadeHereIsAppliedToAYoungListingWithoutFetchingAgain() {
    ListingCache cache = new ListingCache(ONE_MINUTE);
    AtomicInteger fetches = new AtomicInteger();
    PackageInfo a = object("a-1.0.0.tar.gz");
    PackageInfo b = object("b-1.0.0.tar.gz");
    java.util.function.Supplier<Future<List<PackageInfo>>> fetch = () -> {
      fetches.incrementAndGet();
      return Future.succeededFuture(List.of(a, b));
    };
    long first = cache.get(fetch).result().generation();

    PackageInfo added = object("c-1.0.0.tar.gz");
    PackageInfo replaced = new PackageInfo("a-1.0.0.tar.gz", 2, 2, "other", null);
    cache.applied(added.file(), added);
    cache.applied(replaced.file(), replaced);
    ListingCache.Listing changed = cache.get(fetch).result();
    assertEquals(1, fetches.get(), "no fetch: the changes were applied");
    assertNotEquals(first, changed.generation());
    assertEquals(java.util.Set.of(b, added, replaced), java.util.Set.copyOf(changed.objects()));

    cache.applied(b.file(), null);
    ListingCache.Listing deleted = cache.get(fetch).result();
    assertEquals(1, fetches.get());
    assertEquals(java.util.Set.of(added, replaced), java.util.Set.copyOf(deleted.objects()));
    assertNotEquals(changed.generation(), deleted.generation());
  }

  @Test
  void aChangeMadeHereToAnExpiredListingOrDuringAFetchIsListedByTheNextFetch() {
    ListingCache expired = new ListingCache(0);
    AtomicInteger fetches = new AtomicInteger();
    expired.get(() -> { fetches.incrementAndGet(); return Future.succeededFuture(List.of()); });
    expired.applied("a-1.0.0.tar.gz", object("a-1.0.0.tar.gz"));
    expired.get(() -> { fetches.incrementAndGet(); return Future.succeededFuture(List.of(object("a-1.0.0.tar.gz"))); });
    assertEquals(2, fetches.get(), "an expired listing is fetched again, the change and all");

    ListingCache cache = new ListingCache(ONE_MINUTE);
    Promise<List<PackageInfo>> slow = Promise.promise();
    cache.get(() -> slow.future());
    cache.applied("a-1.0.0.tar.gz", object("a-1.0.0.tar.gz"));
    slow.complete(List.of());   // listed before the change
    List<PackageInfo> next = cache.get(() -> Future.succeededFuture(List.of(object("a-1.0.0.tar.gz")))).result().objects();
    assertEquals(List.of(object("a-1.0.0.tar.gz")), next, "the fetch that may have missed the change was not kept");
  }

  @Test
  void concurrentRequestsForAnExpiredListingShareOneFetch() {
    ListingCache cache = new ListingCache(ONE_MINUTE);
    AtomicInteger fetches = new AtomicInteger();
    Promise<List<PackageInfo>> slow = Promise.promise();
    Future<ListingCache.Listing> a = cache.get(() -> { fetches.incrementAndGet(); return slow.future(); });
    Future<ListingCache.Listing> b = cache.get(() -> { fetches.incrementAndGet(); return slow.future(); });
    slow.complete(List.of(object("a-1.0.0.tar.gz")));
    assertEquals(1, fetches.get());
    assertEquals(a.result(), b.result());
  }

  @Test
  void aGenerationNamesExactlyOneContentEvenWhenAWriteOverlapsAFetch() {
    ListingCache cache = new ListingCache(ONE_MINUTE);
    cache.get(() -> Future.succeededFuture(List.of(object("a-1.0.0.tar.gz"))));
    cache.invalidate();
    Promise<List<PackageInfo>> slow = Promise.promise();
    Future<ListingCache.Listing> overlapping = cache.get(slow::future);
    // a write is published while the fetch runs, which read the storage before it
    cache.invalidate();
    slow.complete(List.of(object("a-1.0.0.tar.gz"), object("b-1.0.0.tar.gz")));
    ListingCache.Listing next = cache.get(() -> Future.succeededFuture(
      List.of(object("a-1.0.0.tar.gz"), object("b-1.0.0.tar.gz"), object("c-1.0.0.tar.gz")))).result();

    assertNotEquals(overlapping.result().objects(), next.objects());
    assertNotEquals(overlapping.result().generation(), next.generation());
  }
}
