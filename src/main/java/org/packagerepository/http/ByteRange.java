package org.packagerepository.http;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A single byte range of a {@code Range} header (RFC 9110 §14.1.2): {@code bytes=a-b}, {@code bytes=a-},
 * {@code bytes=-n}. Other units, several ranges and malformed headers are ignored (the whole package is sent),
 * as RFC 9110 allows.
 *
 * @param start first byte, inclusive
 * @param end   last byte, inclusive
 */
record ByteRange(long start, long end) {

  private static final Pattern SINGLE = Pattern.compile("^\\s*bytes\\s*=\\s*(\\d*)\\s*-\\s*(\\d*)\\s*$",
    Pattern.CASE_INSENSITIVE);

  /** Marks a range that cannot be satisfied: answer 416. */
  static final ByteRange UNSATISFIABLE = new ByteRange(-1, -1);

  long length() {
    return end - start + 1;
  }

  String contentRange(long size) {
    return "bytes " + start + "-" + end + "/" + size;
  }

  /** The range to send, {@link #UNSATISFIABLE}, or null to send the whole package. */
  static ByteRange parse(String header, long size) {
    if (header == null) {
      return null;
    }
    Matcher m = SINGLE.matcher(header);
    if (!m.matches()) {
      return null;
    }
    String first = m.group(1);
    String last = m.group(2);
    if (first.isEmpty()) {
      if (last.isEmpty()) {
        return null;
      }
      long suffix = parseLength(last);
      if (suffix == 0 || size == 0) {
        return UNSATISFIABLE;
      }
      return new ByteRange(Math.max(0, size - suffix), size - 1);
    }
    long start = parseLength(first);
    long end = last.isEmpty() ? Long.MAX_VALUE : parseLength(last);
    if (end < start) {
      return null;
    }
    if (start >= size) {
      return UNSATISFIABLE;
    }
    return new ByteRange(start, Math.min(end, size - 1));
  }

  /** ASCII digits; a number too large for a long is still a valid, very large number. */
  private static long parseLength(String digits) {
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException tooLarge) {
      return Long.MAX_VALUE;
    }
  }
}
