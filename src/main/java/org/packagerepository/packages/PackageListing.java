package org.packagerepository.packages;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/** Builds the JSON of {@code GET /packages}. */
public final class PackageListing {

  /** Name ascending, then newest first: version precedence descending, ties by file name descending. */
  private static final Comparator<Entry> BY_NAME_NEWEST_FIRST = (a, b) -> {
    int c = a.file.name().compareTo(b.file.name());
    return c != 0 ? c : b.file.compareTo(a.file);
  };

  private PackageListing() {
  }

  private record Entry(PackageFile file, JsonObject source) {
  }

  /**
   * Builds the listing.
   *
   * @param objects what storage holds, each a JsonObject with at least {@code "file"} (String) and
   *     optionally {@code "size"} (long), {@code "sha256"} (String hex), {@code "modified"} (long,
   *     epoch millis). Null entries and entries whose {@code "file"} is not a valid
   *     {@link PackageFile} name are silently left out; so is a repeated file name (the first wins).
   * @param recency the most versions to list per package, at least 1
   * @param detail whether each version also carries {@code "size"}, {@code "sha256"} and
   *     {@code "modified"} of its input object when present, plus {@code "last_modified"}: the
   *     numeric {@code "modified"} as an ISO-8601 UTC string
   * @return a JsonArray of {@code {"name": n, "latest_versions": [{"version": v, "file": f}, ...]}}
   *     sorted by name (String order), versions newest first (version precedence descending, ties by
   *     file name descending), at most {@code recency} versions each
   * @throws IllegalArgumentException when {@code recency < 1}
   */
  public static JsonArray build(Iterable<JsonObject> objects, int recency, boolean detail) {
    if (recency < 1) {
      throw new IllegalArgumentException("recency must be at least 1, was " + recency);
    }
    Objects.requireNonNull(objects, "objects");
    List<Entry> entries = new ArrayList<>();
    for (JsonObject object : objects) {
      if (object != null && object.getValue("file") instanceof String fileName) {
        PackageFile.parse(fileName).ifPresent(file -> entries.add(new Entry(file, object)));
      }
    }
    // List.sort is stable, so among repeated file names the first in the input comes first
    entries.sort(BY_NAME_NEWEST_FIRST);

    JsonArray listing = new JsonArray();
    JsonArray versions = null;
    Entry previous = null;
    for (Entry entry : entries) {
      if (previous == null || !previous.file.name().equals(entry.file.name())) {
        versions = new JsonArray();
        listing.add(new JsonObject().put("name", entry.file.name()).put("latest_versions", versions));
      } else if (versions.size() >= recency || previous.file.equals(entry.file)) {
        previous = entry;
        continue;
      }
      versions.add(versionObject(entry, detail));
      previous = entry;
    }
    return listing;
  }

  private static JsonObject versionObject(Entry entry, boolean detail) {
    JsonObject version = new JsonObject()
        .put("version", entry.file.version().text())
        .put("file", entry.file.fileName());
    if (detail) {
      copy(entry.source, version, "size");
      copy(entry.source, version, "sha256");
      copy(entry.source, version, "modified");
      if (entry.source.getValue("modified") instanceof Number millis) {
        version.put("last_modified", Instant.ofEpochMilli(millis.longValue()).toString());
      }
    }
    return version;
  }

  private static void copy(JsonObject from, JsonObject to, String key) {
    Object value = from.getValue(key);
    if (value != null) {
      to.put(key, value);
    }
  }
}
