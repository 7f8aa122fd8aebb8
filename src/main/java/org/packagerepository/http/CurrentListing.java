package org.packagerepository.http;

import io.vertx.core.Future;
import org.packagerepository.packages.PackageFile;
import org.packagerepository.packages.PackageListing;
import org.packagerepository.storage.PackageInfo;
import org.packagerepository.storage.StorageClient;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What storage lists, parsed and in listing order, as of its latest generation: parsed and sorted once per generation
 * (names already parsed are looked up, not parsed again), for whatever renders it (the JSON listing, the browse
 * pages). Confined to one event loop.
 */
final class CurrentListing {

  private final StorageClient storage;
  private long generation;
  private List<PackageListing.Stored> sorted = List.of();
  /** The parsed names of the versions held now, by file name (empty: not a package file name). */
  private Map<String, Optional<PackageFile>> parsed = new HashMap<>();

  CurrentListing(StorageClient storage) {
    this.storage = storage;
  }

  /** The versions in listing order, and the generation they are of: a new generation means a change. */
  record Snapshot(long generation, List<PackageListing.Stored> sorted) {
  }

  Future<Snapshot> get() {
    return storage.list(generation).map(listing -> {
      if (listing.objects() != null) {
        generation = listing.generation();
        sorted = sorted(listing.objects());
      }
      return new Snapshot(generation, sorted);
    });
  }

  private List<PackageListing.Stored> sorted(List<PackageInfo> objects) {
    Map<String, Optional<PackageFile>> names = new HashMap<>(objects.size() * 2);
    List<PackageListing.Stored> versions = new ArrayList<>(objects.size());
    for (PackageInfo info : objects) {
      Optional<PackageFile> file = parsed.get(info.file());
      if (file == null) {
        file = PackageFile.parse(info.file());
      }
      names.put(info.file(), file);
      file.ifPresent(f -> versions.add(new PackageListing.Stored(f, info.size(), info.sha256(), info.modified())));
    }
    parsed = names;
    return PackageListing.sorted(versions);
  }
}
