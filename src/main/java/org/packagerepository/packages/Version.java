package org.packagerepository.packages;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A package version: {@code MAJOR.MINOR.PATCH} with an optional SemVer 2.0 pre-release and/or build
 * suffix ({@code 1.0.0-rc.1}, {@code 1.2.3+build.7}, {@code 1.0.0-rc.1+b.2}), or the older
 * PEP-440-like pre-release form {@code 1.0.0a1}, {@code 1.0.0b2}, {@code 1.0.0rc1}.
 *
 * <p>Numbers have no leading zeros (except {@code 0} itself) and may be arbitrarily large.
 * {@link #compareTo} is SemVer 2.0 precedence, where {@code 1.0.0a1} counts as the pre-release
 * identifiers {@code ["a", 1]}; build metadata is ignored. Equality is on the text as written, so
 * {@code compareTo} is <em>not</em> consistent with {@code equals} ({@code 1.0.0+a} and {@code 1.0.0+b}
 * have equal precedence but are different versions).
 */
public final class Version implements Comparable<Version> {

  private static final String NUMBER = "(0|[1-9][0-9]*)";
  private static final String PRE_ID = "(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)";
  private static final String BUILD_ID = "[0-9A-Za-z-]+";
  private static final Pattern SYNTAX = Pattern.compile(
      NUMBER + "\\." + NUMBER + "\\." + NUMBER
          + "(?:(?:-(" + PRE_ID + "(?:\\." + PRE_ID + ")*))?(?:\\+" + BUILD_ID + "(?:\\." + BUILD_ID + ")*)?"
          + "|(a|b|rc)" + NUMBER + ")");
  private static final Pattern DOT = Pattern.compile("\\.");
  private static final String[] NONE = new String[0];

  private final String text;
  private final String major;
  private final String minor;
  private final String patch;
  /** Pre-release identifiers; empty for a release. */
  private final String[] pre;

  private Version(String text, String major, String minor, String patch, String[] pre) {
    this.text = text;
    this.major = major;
    this.minor = minor;
    this.patch = patch;
    this.pre = pre;
  }

  /**
   * Parses a version.
   *
   * @param text the version as written, e.g. {@code 1.0.0-rc.1}
   * @return the version, or empty when {@code text} is null or not a valid version
   */
  public static Optional<Version> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    Matcher m = SYNTAX.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    String[] pre;
    if (m.group(4) != null) {
      pre = DOT.split(m.group(4));
    } else if (m.group(5) != null) {
      pre = new String[] {m.group(5), m.group(6)};
    } else {
      pre = NONE;
    }
    return Optional.of(new Version(text, m.group(1), m.group(2), m.group(3), pre));
  }

  /**
   * Whether {@code s} has a {@code MAJOR.MINOR.PATCH} core (without leading zeros) starting at
   * {@code from} that is not followed by a further digit. Says nothing about what follows the core.
   */
  static boolean startsWithCore(String s, int from) {
    int i = from;
    for (int field = 0; field < 3; field++) {
      if (field > 0) {
        if (i >= s.length() || s.charAt(i) != '.') {
          return false;
        }
        i++;
      }
      int end = skipDigits(s, i);
      if (end == i || (s.charAt(i) == '0' && end - i > 1)) {
        return false;
      }
      i = end;
    }
    return true;
  }

  private static int skipDigits(String s, int from) {
    int i = from;
    while (i < s.length() && isDigit(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** The version exactly as written. */
  public String text() {
    return text;
  }

  /**
   * Compares by SemVer 2.0 precedence only: build metadata is ignored and there is no tie break, so
   * this may return 0 for versions that are not {@link #equals equal}.
   */
  @Override
  public int compareTo(Version other) {
    int c = compareNumbers(major, other.major);
    if (c == 0) {
      c = compareNumbers(minor, other.minor);
    }
    if (c == 0) {
      c = compareNumbers(patch, other.patch);
    }
    if (c != 0) {
      return c;
    }
    if (pre.length == 0 || other.pre.length == 0) {
      // a release sorts after any of its pre-releases
      return Boolean.compare(pre.length == 0, other.pre.length == 0);
    }
    int shared = Math.min(pre.length, other.pre.length);
    for (int i = 0; i < shared; i++) {
      c = compareIdentifiers(pre[i], other.pre[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(pre.length, other.pre.length);
  }

  private static int compareIdentifiers(String a, String b) {
    boolean numericA = isNumeric(a);
    boolean numericB = isNumeric(b);
    if (numericA && numericB) {
      return compareNumbers(a, b);
    }
    if (numericA != numericB) {
      return numericA ? -1 : 1;
    }
    return a.compareTo(b);
  }

  private static boolean isNumeric(String identifier) {
    return skipDigits(identifier, 0) == identifier.length();
  }

  /** Compares digit strings without leading zeros, of any length, without overflow. */
  private static int compareNumbers(String a, String b) {
    if (a.length() != b.length()) {
      return Integer.compare(a.length(), b.length());
    }
    return a.compareTo(b);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Version v && text.equals(v.text);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(text);
  }

  @Override
  public String toString() {
    return text;
  }
}
