package org.packagerepository.storage.driver;

import io.vertx.core.Future;
import org.packagerepository.storage.PackageInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The last listing of a backend, shared by every list request while it is young enough, with a generation that
 * changes only when the listing does, so that callers can keep what they built from it. Concurrent requests for an
 * expired listing wait for one fetch. A listing's age counts from when the store's answer arrived: counted from the
 * request, a store that takes longer than the maximum age to list (S3Proxy with 10,000 objects: about 1.2 s) had every
 * listing expired on arrival, and every list request waited for a listing of its own (3 a second instead of
 * thousands). A change made through this server is applied to it at once (read-your-writes, without listing the whole
 * store again); changes made by others are seen once it expires. Confined to the storage verticle's event loop.
 */
final class ListingCache {

  /** A listing and its generation. */
  record Listing(long generation, List<PackageInfo> objects) {
  }

  private final long maxAgeNanos;
  private final LongSupplier clock;
  /** The last listing fetched, whether kept or not: its generation names exactly its content. */
  private Listing last;
  private long lastGeneration;
  /** The listing served without asking, while young enough. */
  private Listing current;
  private long fetchedAt;
  private Future<Listing> pending;
  private long invalidations;

  ListingCache(long maxAgeNanos) {
    this(maxAgeNanos, System::nanoTime);
  }

  /** With {@code clock} for {@link System#nanoTime()}. */
  ListingCache(long maxAgeNanos, LongSupplier clock) {
    this.maxAgeNanos = maxAgeNanos;
    this.clock = clock;
  }

  Future<Listing> get(Supplier<Future<List<PackageInfo>>> fetch) {
    if (current != null && clock.getAsLong() - fetchedAt < maxAgeNanos) {
      return Future.succeededFuture(current);
    }
    return pending != null ? pending : startFetch(fetch);
  }

  private Future<Listing> startFetch(Supplier<Future<List<PackageInfo>>> fetch) {
    long invalidationsBefore = invalidations;
    Future<Listing> fetching = fetch.get().map(objects -> {
      if (last == null || !last.objects().equals(objects)) {
        last = new Listing(++lastGeneration, List.copyOf(objects));
      }
      Listing listing = last;
      // A change made while listing may be missing from it: serve it to those who asked, but keep nothing.
      if (invalidations == invalidationsBefore) {
        current = listing;
        fetchedAt = clock.getAsLong();
      }
      return listing;
    });
    // Set before it is cleared: a fetch that is done at once (a backend that answers without waiting) would
    // otherwise stay pending, and be served for ever. A fetch that a change made through this server set aside
    // leaves the one started after it pending.
    pending = fetching;
    fetching.onComplete(ar -> {
      if (pending == fetching) {
        pending = null;
      }
    });
    return fetching;
  }

  /**
   * This server changed {@code file}: {@code stored} is what is stored now, or null when it was deleted. A young
   * listing takes the change without a fetch, and keeps its age: others' changes are still seen once it expires. A
   * fetch in flight may have missed the change, so it is not kept.
   */
  void applied(String file, PackageInfo stored) {
    if (current == null || clock.getAsLong() - fetchedAt >= maxAgeNanos) {
      invalidate();
      return;
    }
    invalidations++;
    pending = null;
    List<PackageInfo> objects = new ArrayList<>(current.objects().size() + 1);
    for (PackageInfo object : current.objects()) {
      if (!object.file().equals(file)) {
        objects.add(object);
      }
    }
    if (stored != null) {
      objects.add(stored);
    }
    last = new Listing(++lastGeneration, List.copyOf(objects));
    current = last;
  }

  void invalidate() {
    invalidations++;
    fetchedAt = Long.MIN_VALUE / 2;
    pending = null;
  }
}
