package org.packagerepository.http;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code Range} headers of every shape, for packages of every size: RFC 9110's single byte ranges. */
class ByteRangeProperties {

  @Provide
  Arbitrary<Long> sizes() {
    return Arbitraries.oneOf(Arbitraries.longs().between(0, 10), Arbitraries.longs().between(0, 1L << 40),
      Arbitraries.of(Long.MAX_VALUE, Long.MAX_VALUE - 1));
  }

  @Provide
  Arbitrary<Long> positions() {
    return Arbitraries.oneOf(Arbitraries.longs().between(0, 20), Arbitraries.longs().between(0, Long.MAX_VALUE));
  }

  /** Headers as clients and fuzzers write them: right, nearly right, and wrong. */
  @Provide
  Arbitrary<String> headers() {
    return Arbitraries.oneOf(
      Arbitraries.strings().ofMaxLength(40),
      Arbitraries.strings().withChars("bytes=0123456789-, ").ofMaxLength(30),
      Arbitraries.strings().numeric().ofMaxLength(25).list().ofSize(2).map(p -> "bytes=" + p.get(0) + "-" + p.get(1)),
      Arbitraries.strings().numeric().ofMinLength(19).ofMaxLength(40).map(n -> "bytes=" + n + "-"));
  }

  @Property(tries = 3000)
  void anyHeaderGivesTheWholePackageOrA416OrARangeInsideThePackage(@ForAll("headers") String header,
      @ForAll("sizes") long size) {
    ByteRange range = ByteRange.parse(header, size);
    if (range != null && range != ByteRange.UNSATISFIABLE) {
      assertTrue(range.start() >= 0 && range.start() <= range.end() && range.end() < size, header + " of " + size);
      assertEquals(range.end() - range.start() + 1, range.length());
      assertEquals("bytes " + range.start() + "-" + range.end() + "/" + size, range.contentRange(size));
    }
  }

  @Property(tries = 2000)
  void firstToLast(@ForAll("positions") long first, @ForAll("positions") long last, @ForAll("sizes") long size) {
    ByteRange range = ByteRange.parse("bytes=" + first + "-" + last, size);
    if (last < first) {
      assertNull(range, "an invalid range is ignored");
    } else if (first >= size) {
      assertEquals(ByteRange.UNSATISFIABLE, range);
    } else {
      assertEquals(new ByteRange(first, Math.min(last, size - 1)), range);
    }
  }

  @Property(tries = 2000)
  void fromFirstToTheEnd(@ForAll("positions") long first, @ForAll("sizes") long size) {
    ByteRange range = ByteRange.parse("bytes=" + first + "-", size);
    assertEquals(first >= size ? ByteRange.UNSATISFIABLE : new ByteRange(first, size - 1), range);
  }

  @Property(tries = 2000)
  void theLastBytes(@ForAll("positions") long count, @ForAll("sizes") long size) {
    ByteRange range = ByteRange.parse("bytes=-" + count, size);
    if (count == 0 || size == 0) {
      assertEquals(ByteRange.UNSATISFIABLE, range);
    } else {
      assertEquals(new ByteRange(Math.max(0, size - count), size - 1), range);
      assertEquals(Math.min(count, size), range.length());
    }
  }

  @Property
  void spacesAndCaseDoNotMatterButOtherUnitsAndListsAreIgnored(@ForAll @LongRange(max = 1000) long first,
      @ForAll @LongRange(max = 1000) long extra, @ForAll @LongRange(min = 1, max = 5000) long size) {
    long last = first + extra;
    assertEquals(ByteRange.parse("bytes=" + first + "-" + last, size),
      ByteRange.parse(" BYTES = " + first + " - " + last + " ", size));
    assertNull(ByteRange.parse("items=" + first + "-" + last, size));
    assertNull(ByteRange.parse("bytes=" + first + "-" + last + ",0-0", size));
  }

  /** The header's grammar as a regular expression, the way it was first written: the hand-written scanner reads the same. */
  private static final java.util.regex.Pattern GRAMMAR =
    java.util.regex.Pattern.compile("^\\s*bytes\\s*=\\s*(\\d*)\\s*-\\s*(\\d*)\\s*$", java.util.regex.Pattern.CASE_INSENSITIVE);

  /** Each part of the grammar right, nearly right or wrong: white space, unit, {@code =}, numbers, {@code -}. */
  @Provide
  Arbitrary<String> nearlyRanges() {
    Arbitrary<java.util.List<String>> spaces = Arbitraries.of("", "", " ", "\t", "\r\n", "\u000b", "\u00a0").list().ofSize(6);
    Arbitrary<String> number = Arbitraries.of("", "0", "7", "1000", "1999", "99999999999999999999", "\u0663", "1a", "+1");
    return net.jqwik.api.Combinators.combine(spaces, Arbitraries.of("bytes", "BYTES", "bYtEs", "byte\u017f", "byte", "items"),
      Arbitraries.of("=", "=", "", ":"), number, Arbitraries.of("-", "-", "", "--", ","), number)
      .as((w, unit, eq, first, dash, last) -> w.get(0) + unit + w.get(1) + eq + w.get(2) + first + w.get(3) + dash
        + w.get(4) + last + w.get(5));
  }

  @Property(tries = 5000)
  void readsWhatTheGrammarReads(@ForAll("nearlyRanges") String header, @ForAll("sizes") long size) {
    java.util.regex.Matcher m = GRAMMAR.matcher(header);
    ByteRange range = ByteRange.parse(header, size);
    if (!m.matches() || m.group(1).isEmpty() && m.group(2).isEmpty()) {
      assertNull(range, header);
    } else {
      assertEquals(ByteRange.parse("bytes=" + m.group(1) + "-" + m.group(2), size), range, header);
    }
  }
}
