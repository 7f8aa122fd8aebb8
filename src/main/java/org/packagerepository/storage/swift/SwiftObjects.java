package org.packagerepository.storage.swift;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import org.packagerepository.storage.PackageInfo;
import org.packagerepository.storage.remote.RemoteVersion;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * What Swift says of an object, read from the headers of a HEAD or GET and from the entries of a container listing.
 * A version's entity tag is its SHA-256, kept in the object's metadata; objects written by other tools, which have
 * none, fall back to Swift's own ETag (for a Static Large Object, the ETag of the whole object).
 */
final class SwiftObjects {

  static final String SHA256_HEADER = "X-Object-Meta-Sha256";

  private SwiftObjects() {
  }

  /**
   * An object as a HEAD or GET showed it.
   *
   * @param storeEtag   Swift's ETag of this version, unquoted
   * @param largeObject whether it is the manifest of a Static Large Object
   */
  record Stored(PackageInfo info, String storeEtag, boolean largeObject) implements RemoteVersion {
  }

  static Stored fromHeaders(String file, MultiMap headers) {
    String sha256 = sha256Of(headers);
    String storeEtag = RemoteVersion.unquote(headers.get("Etag"));
    long size = Long.parseLong(headers.get("Content-Length"));
    return new Stored(new PackageInfo(file, size, modified(headers), etag(sha256, storeEtag), sha256), storeEtag,
      "true".equalsIgnoreCase(headers.get("X-Static-Large-Object")));
  }

  /** The SHA-256 in an object's metadata, or null. */
  static String sha256Of(MultiMap headers) {
    String sha256 = headers.get(SHA256_HEADER);
    return sha256 == null || sha256.isBlank() ? null : sha256.trim().toLowerCase();
  }

  /** A version's entity tag: its SHA-256 where the object carries it, else Swift's own ETag. */
  static String etag(String sha256, String storeEtag) {
    return sha256 != null ? sha256 : storeEtag;
  }

  /** Swift's ETag of the version a listing entry shows: for a Static Large Object the one its HEAD shows. */
  static String storeEtag(JsonObject entry) {
    String slo = entry.getString("slo_etag");
    return slo != null ? RemoteVersion.unquote(slo) : entry.getString("hash", "");
  }

  /** A listing entry's {@code last_modified} ({@code 2026-12-01T10:12:37.479420}, UTC) in epoch milliseconds. */
  static long listedModified(String lastModified) {
    try {
      return LocalDateTime.parse(lastModified).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException | NullPointerException e) {
      return 0;
    }
  }

  /** When the object was written: {@code X-Timestamp} (seconds, with microseconds), else {@code Last-Modified}. */
  private static long modified(MultiMap headers) {
    String timestamp = headers.get("X-Timestamp");
    if (timestamp != null) {
      try {
        return new java.math.BigDecimal(timestamp.trim()).movePointRight(3).longValue();
      } catch (NumberFormatException e) {
        // fall back to Last-Modified
      }
    }
    String lastModified = headers.get("Last-Modified");
    try {
      return lastModified == null ? 0
        : ZonedDateTime.parse(lastModified, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      return 0;
    }
  }
}
