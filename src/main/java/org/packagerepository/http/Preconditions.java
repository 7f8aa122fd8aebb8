package org.packagerepository.http;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Conditional requests as RFC 9110 §13.2.2 orders them, for reads. */
final class Preconditions {

  enum Outcome { PROCEED, NOT_MODIFIED, FAILED }

  private Preconditions() {
  }

  static String quote(String etag) {
    return "\"" + etag + "\"";
  }

  /** IMF-fixdate (RFC 9110 §5.6.7): unlike RFC_1123_DATE_TIME, always a two-digit day. */
  private static final DateTimeFormatter IMF_FIXDATE =
    DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

  static String httpDate(long epochMillis) {
    // Every answer about a package carries its date: a hot package's is formatted once per event loop, not per request.
    LastDate last = LAST_DATE.get();
    if (last.epochMillis != epochMillis || last.text == null) {
      last.text = IMF_FIXDATE.format(Instant.ofEpochMilli(epochMillis));
      last.epochMillis = epochMillis;
    }
    return last.text;
  }

  private static final ThreadLocal<LastDate> LAST_DATE = ThreadLocal.withInitial(LastDate::new);

  /** The date last formatted on a thread. */
  private static final class LastDate {
    long epochMillis;
    String text;
  }

  /**
   * The entity tag of an If-Match header without quotes, {@code *}, or null without one: what storage compares with
   * the current version of a package when it changes it.
   */
  static String ifMatch(String header) {
    if (header == null) {
      return null;
    }
    String value = header.trim();
    if (value.equals("*")) {
      return "*";
    }
    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
      return value.substring(1, value.length() - 1);
    }
    // Weak or malformed tags never match in a strong comparison.
    return "\u0000";
  }

  /** Seconds since the epoch of an HTTP date, or null when absent or malformed (then the condition is ignored). */
  static Long parseDate(String value) {
    if (value == null) {
      return null;
    }
    try {
      return ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  static Outcome evaluate(MultiMap headers, String etag, long modifiedMillis) {
    long modified = modifiedMillis / 1000;
    String ifMatch = headers.get(HttpHeaders.IF_MATCH);
    if (ifMatch != null) {
      if (!matches(ifMatch, etag, false)) {
        return Outcome.FAILED;
      }
    } else {
      Long since = parseDate(headers.get(HeaderNames.IF_UNMODIFIED_SINCE));
      if (since != null && modified > since) {
        return Outcome.FAILED;
      }
    }
    String ifNoneMatch = headers.get(HttpHeaders.IF_NONE_MATCH);
    if (ifNoneMatch != null) {
      return matches(ifNoneMatch, etag, true) ? Outcome.NOT_MODIFIED : Outcome.PROCEED;
    }
    Long since = parseDate(headers.get(HttpHeaders.IF_MODIFIED_SINCE));
    return since != null && modified <= since ? Outcome.NOT_MODIFIED : Outcome.PROCEED;
  }

  /** Whether a {@code Range} may be honoured: no {@code If-Range}, or one that names this version exactly. */
  static boolean rangeApplies(MultiMap headers, String etag, long modifiedMillis) {
    String ifRange = headers.get(HeaderNames.IF_RANGE);
    if (ifRange == null) {
      return true;
    }
    String value = ifRange.trim();
    if (value.startsWith("\"")) {
      return value.equals(quote(etag));
    }
    Long date = parseDate(value);
    return date != null && date == modifiedMillis / 1000;
  }

  /**
   * Whether a list of entity tags ({@code *} or {@code "a", W/"b"}) contains {@code etag}. Weak comparison ignores
   * the {@code W/} prefix (If-None-Match); strong comparison never matches a weak tag (If-Match).
   */
  static boolean matches(String list, String etag, boolean weak) {
    String wanted = quote(etag);
    for (String candidate : list.split(",")) {
      String tag = candidate.trim();
      if (tag.equals("*")) {
        return true;
      }
      if (tag.startsWith("W/")) {
        if (!weak) {
          continue;
        }
        tag = tag.substring(2);
      }
      if (tag.equals(wanted)) {
        return true;
      }
    }
    return false;
  }
}
