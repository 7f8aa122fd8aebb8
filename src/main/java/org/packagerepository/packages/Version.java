package org.packagerepository.packages;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A package version: every form the original service accepted, plus SemVer 2.0.
 *
 * <pre>
 * VERSION := ['v'] NUM '.' NUM '.' NUM ('.' NUM)* TAIL
 * NUM     := [0-9]+                             leading zeros allowed, compared as numbers (01 == 1)
 * TAIL    := ('-' PRE)? ('+' BUILD)?            SemVer 2.0 pre-release and/or build metadata
 *          | ('a' | 'b' | 'rc') N ('+' BUILD)?  the older pre-release form; N without leading zeros
 *          | [._] SUFFIX ('+' BUILD)?           SUFFIX := ALNUM+ ([._] ALNUM+)*, ALNUM := [0-9A-Za-z]
 * </pre>
 *
 * e.g. {@code 1.0.23}, {@code 2019.01.05}, {@code v1.2.3}, {@code 1.0.0.1}, {@code 1.0.0-rc.1},
 * {@code 1.2.3+build.7}, {@code 1.0.0a1}, {@code 1.0.0.dev}, {@code 1.0.0_b}. {@code PRE} and {@code BUILD}
 * are as in SemVer 2.0. Numbers may be arbitrarily large. Where the text could be read two ways, the
 * numeric fields are taken greedily and only as many are given back as the tail needs: {@code 1.0.0.1}
 * is four numeric fields, {@code 1.0.0.1.dev} four and the suffix {@code dev}, {@code 1.0.0.1a1} four and
 * the pre-release {@code a1}, but {@code 1.0.0.1a} three and the suffix {@code 1a} ({@code a} needs a number).
 *
 * <p>{@link #compareTo} (newest is greatest):
 * <ol>
 *   <li>numeric fields as numbers, field by field; when one list of fields is a prefix of the other, the
 *       longer one is newer ({@code 1.0.0.1} &gt; {@code 1.0.0.0} &gt; {@code 1.0.0}). Leading zeros and the
 *       {@code v} do not count ({@code v01.02.03} ranks with {@code 1.2.3});</li>
 *   <li>with the same numeric fields: pre-release ({@code -PRE}, or {@code a/b/rc N}) &lt; release (no
 *       tail, or only build metadata) &lt; suffix ({@code .dev}, {@code _b}: a variant after its release,
 *       before any higher number);</li>
 *   <li>among pre-releases, SemVer 2.0 precedence, where {@code 1.0.0a1} counts as the identifiers
 *       {@code ["a", 1]}; among suffixes, the identifiers between {@code .} and {@code _} compared the same
 *       way: numeric before alphanumeric, numbers as numbers, other identifiers in ASCII order, and a
 *       list that is a prefix of the other is older;</li>
 *   <li>build metadata is ignored.</li>
 * </ol>
 * Equality is on the text as written, so {@code compareTo} is <em>not</em> consistent with {@code equals}
 * ({@code 1.0.0+a}, {@code 1.0.0+b} and {@code 01.0.0} have equal precedence but are different versions).
 *
 * <p>Immutable and thread-safe.
 */
public final class Version implements Comparable<Version> {

  private static final String PRE_ID = "(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)";
  private static final String BUILD_ID = "[0-9A-Za-z-]+";
  private static final String BUILD = "(?:\\+" + BUILD_ID + "(?:\\." + BUILD_ID + ")*)?";
  private static final String ALNUM = "[0-9A-Za-z]+";
  /**
   * Java's regex engine tries the most repetitions of {@code (\.[0-9]+)} first and backtracks one field at a time,
   * which is the greedy reading documented above. Giving back digits inside a field never yields a match, as no
   * tail starts with a digit, so the backtracking stays linear in practice (names are at most 255 bytes).
   */
  private static final Pattern SYNTAX = Pattern.compile(
      "v?([0-9]+(?:\\.[0-9]+){2,})"
          + "(?:(?:-(" + PRE_ID + "(?:\\." + PRE_ID + ")*))?" + BUILD
          + "|(a|b|rc)(0|[1-9][0-9]*)" + BUILD
          + "|[._](" + ALNUM + "(?:[._]" + ALNUM + ")*)" + BUILD + ")");
  private static final Pattern DOT = Pattern.compile("\\.");
  private static final Pattern DOT_OR_UNDERSCORE = Pattern.compile("[._]");
  private static final String[] NONE = new String[0];

  /** Where the tail puts a version among those with the same numeric fields. */
  private static final int PRE_RELEASE = -1;
  private static final int RELEASE = 0;
  private static final int SUFFIX = 1;

  private final String text;
  /** The numeric fields, without leading zeros ({@code "0"} for zero). */
  private final String[] numbers;
  /** {@link #PRE_RELEASE}, {@link #RELEASE} or {@link #SUFFIX}. */
  private final int rank;
  /** Pre-release or suffix identifiers; empty for a release. */
  private final String[] identifiers;

  private Version(String text, String[] numbers, int rank, String[] identifiers) {
    this.text = text;
    this.numbers = numbers;
    this.rank = rank;
    this.identifiers = identifiers;
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
    String[] numbers = DOT.split(m.group(1));
    for (int i = 0; i < numbers.length; i++) {
      numbers[i] = withoutLeadingZeros(numbers[i]);
    }
    if (m.group(2) != null) {
      return Optional.of(new Version(text, numbers, PRE_RELEASE, DOT.split(m.group(2))));
    }
    if (m.group(3) != null) {
      return Optional.of(new Version(text, numbers, PRE_RELEASE, new String[] {m.group(3), m.group(4)}));
    }
    if (m.group(5) != null) {
      return Optional.of(new Version(text, numbers, SUFFIX, DOT_OR_UNDERSCORE.split(m.group(5))));
    }
    return Optional.of(new Version(text, numbers, RELEASE, NONE));
  }

  /**
   * Whether {@code s} has a strict {@code MAJOR.MINOR.PATCH} core starting at {@code from}: no {@code v}, no leading
   * zeros ({@code 0} itself aside), the patch not followed by a further digit. Says nothing about what follows.
   */
  static boolean startsWithStrictCore(String s, int from) {
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

  private static String withoutLeadingZeros(String digits) {
    int i = 0;
    while (i < digits.length() - 1 && digits.charAt(i) == '0') {
      i++;
    }
    return digits.substring(i);
  }

  /** The version exactly as written. */
  public String text() {
    return text;
  }

  /**
   * Compares by precedence only (see the class description): build metadata, leading zeros and the {@code v} are
   * ignored and there is no tie break, so this may return 0 for versions that are not {@link #equals equal}.
   */
  @Override
  public int compareTo(Version other) {
    int shared = Math.min(numbers.length, other.numbers.length);
    for (int i = 0; i < shared; i++) {
      int c = compareNumbers(numbers[i], other.numbers[i]);
      if (c != 0) {
        return c;
      }
    }
    if (numbers.length != other.numbers.length) {
      return Integer.compare(numbers.length, other.numbers.length);
    }
    if (rank != other.rank) {
      return Integer.compare(rank, other.rank);
    }
    int sharedIds = Math.min(identifiers.length, other.identifiers.length);
    for (int i = 0; i < sharedIds; i++) {
      int c = compareIdentifiers(identifiers[i], other.identifiers[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(identifiers.length, other.identifiers.length);
  }

  private static int compareIdentifiers(String a, String b) {
    boolean numericA = isNumeric(a);
    boolean numericB = isNumeric(b);
    if (numericA && numericB) {
      return compareNumbers(withoutLeadingZeros(a), withoutLeadingZeros(b));
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
