package org.packagerepository.http;

/**
 * A single byte range of a {@code Range} header (RFC 9110 §14.1.2): {@code bytes=a-b}, {@code bytes=a-},
 * {@code bytes=-n}. Other units, several ranges and malformed headers are ignored (the whole package is sent),
 * as RFC 9110 allows.
 *
 * @param start first byte, inclusive
 * @param end   last byte, inclusive
 */
record ByteRange(long start, long end) {

  /** Marks a range that cannot be satisfied: answer 416. */
  static final ByteRange UNSATISFIABLE = new ByteRange(-1, -1);

  long length() {
    return end - start + 1;
  }

  String contentRange(long size) {
    return "bytes " + start + "-" + end + "/" + size;
  }

  /**
   * The range to send, {@link #UNSATISFIABLE}, or null to send the whole package. The header is read as
   * {@code bytes = first - last} in any case, each part optional and with optional white space between them.
   */
  static ByteRange parse(String header, long size) {
    if (header == null) {
      return null;
    }
    // Scanned by hand rather than with a regular expression: every ranged download goes through here.
    int i = skipSpace(header, 0);
    if (!startsWithBytes(header, i)) {
      return null;
    }
    i = skipSpace(header, i + 5);
    if (i == header.length() || header.charAt(i) != '=') {
      return null;
    }
    i = skipSpace(header, i + 1);
    int firstEnd = skipDigits(header, i);
    String first = header.substring(i, firstEnd);
    i = skipSpace(header, firstEnd);
    if (i == header.length() || header.charAt(i) != '-') {
      return null;
    }
    i = skipSpace(header, i + 1);
    int lastEnd = skipDigits(header, i);
    String last = header.substring(i, lastEnd);
    if (skipSpace(header, lastEnd) != header.length()) {
      return null;
    }
    return of(first, last, size);
  }

  private static ByteRange of(String first, String last, long size) {
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

  /** The index of the first character at or after {@code i} that is not white space as {@code \\s} means it. */
  private static int skipSpace(String s, int i) {
    while (i < s.length() && isSpace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
  }

  /** Whether {@code "bytes"} in any ASCII case starts at {@code i} (no other letters fold to these). */
  private static boolean startsWithBytes(String s, int i) {
    if (s.length() - i < 5) {
      return false;
    }
    for (int k = 0; k < 5; k++) {
      if ((s.charAt(i + k) | 0x20) != "bytes".charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private static int skipDigits(String s, int i) {
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    return i;
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
