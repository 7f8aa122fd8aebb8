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
  private static final Comparator<Stored> BY_NAME_NEWEST_FIRST = (a, b) -> {
    int c = a.file.name().compareTo(b.file.name());
    return c != 0 ? c : b.file.compareTo(a.file);
  };

  private PackageListing() {
  }

  /**
   * A stored version, its name parsed: what a listing is made of.
   *
   * @param size     its length in bytes, or null when not known
   * @param sha256   its SHA-256 in hex, or null when not known
   * @param modified when it was last written, epoch milliseconds, or null when not known
   */
  public record Stored(PackageFile file, Long size, String sha256, Long modified) {
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
    Objects.requireNonNull(objects, "objects");
    List<Stored> entries = new ArrayList<>();
    for (JsonObject object : objects) {
      if (object != null && object.getValue("file") instanceof String fileName) {
        PackageFile.parse(fileName).ifPresent(file -> entries.add(new Stored(file, number(object, "size"),
          object.getValue("sha256") instanceof String sha256 ? sha256 : null, number(object, "modified"))));
      }
    }
    return render(sorted(entries), recency, detail);
  }

  /**
   * The versions in listing order: by name, newest first (version precedence descending, ties by file name
   * descending); among repeated file names, the first given comes first. Sorted once, it serves every
   * {@link #render} of the same versions.
   */
  public static List<Stored> sorted(List<Stored> versions) {
    List<Stored> sorted = new ArrayList<>(versions);
    // List.sort is stable, so among repeated file names the first in the input comes first
    sorted.sort(BY_NAME_NEWEST_FIRST);
    return sorted;
  }

  /**
   * The listing of versions already {@link #sorted}, as {@link #build} describes it.
   *
   * @throws IllegalArgumentException when {@code recency < 1}
   */
  public static JsonArray render(List<Stored> sorted, int recency, boolean detail) {
    if (recency < 1) {
      throw new IllegalArgumentException("recency must be at least 1, was " + recency);
    }
    JsonArray listing = new JsonArray();
    JsonArray versions = null;
    Stored previous = null;
    for (Stored entry : sorted) {
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

  private static JsonObject versionObject(Stored entry, boolean detail) {
    JsonObject version = new JsonObject()
        .put("version", entry.file.version().text())
        .put("file", entry.file.fileName());
    if (detail) {
      putIfKnown(version, "size", entry.size);
      putIfKnown(version, "sha256", entry.sha256);
      putIfKnown(version, "modified", entry.modified);
      if (entry.modified != null) {
        version.put("last_modified", Instant.ofEpochMilli(entry.modified).toString());
      }
    }
    return version;
  }

  private static Long number(JsonObject object, String key) {
    return object.getValue(key) instanceof Number n ? n.longValue() : null;
  }

  private static void putIfKnown(JsonObject to, String key, Object value) {
    if (value != null) {
      to.put(key, value);
    }
  }
}
