package org.packagerepository.storage.driver;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.packagerepository.storage.PackageInfo;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
