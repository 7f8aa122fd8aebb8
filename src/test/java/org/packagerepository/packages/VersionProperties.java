package org.packagerepository.packages;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Version order against two models written independently here: {@link Model}, which compares versions generated as
 * their parts (big integers, a tail, identifier lists) without ever reading text, over every form the grammar allows;
 * and {@link SemVerModel}, SemVer 2.0 precedence as it was before the original's forms were accepted, which must still
 * hold between versions of that earlier grammar. Numbers far beyond a long included.
 */
class VersionProperties {

  static final String ALPHANUMERIC = "abcxyzABCXYZ0123456789";
  private static final String LETTERS = "abcdevxyzABRCXYZ";

  @Provide
  static Arbitrary<BigInteger> bigNumbers() {
    return Arbitraries.oneOf(
      Arbitraries.integers().between(0, 12).map(BigInteger::valueOf),
      Arbitraries.bigIntegers().between(BigInteger.ZERO, BigInteger.TEN.pow(40)));
  }

  @Provide
  static Arbitrary<String> numbers() {
    return bigNumbers().map(BigInteger::toString);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Versions generated as their parts

  /** Where a tail puts a version among those with the same numeric fields. */
  enum Tail { PRE_RELEASE, OLDER_PRE_RELEASE, RELEASE, SUFFIX }

  /**
   * A version as its parts: {@code v} or not, the numeric fields with the leading zeros each is written with, a tail
   * and its identifiers (for a suffix, each with the separator before it), build metadata or null.
   */
  record Parts(boolean v, List<BigInteger> numbers, List<Integer> zeros, Tail tail, List<String> identifiers,
      List<String> separators, String build) {

    String text() {
      StringBuilder text = new StringBuilder(v ? "v" : "");
      for (int i = 0; i < numbers.size(); i++) {
        text.append(i == 0 ? "" : ".").append("0".repeat(zeros.get(i))).append(numbers.get(i));
      }
      switch (tail) {
        case PRE_RELEASE -> text.append('-').append(String.join(".", identifiers));
        case OLDER_PRE_RELEASE -> text.append(identifiers.get(0)).append(identifiers.get(1));
        case SUFFIX -> {
          for (int i = 0; i < identifiers.size(); i++) {
            text.append(separators.get(i)).append(identifiers.get(i));
          }
        }
        case RELEASE -> { }
      }
      return build == null ? text.toString() : text + "+" + build;
    }

    Parts withBuild(String newBuild) {
      return new Parts(v, numbers, zeros, tail, identifiers, separators, newBuild);
    }

    /** Without the v, and without leading zeros in the numeric fields and the numeric identifiers of a suffix. */
    Parts plainlyWritten() {
      List<String> ids = tail != Tail.SUFFIX ? identifiers : identifiers.stream()
        .map(id -> id.chars().allMatch(Character::isDigit) ? new BigInteger(id).toString() : id).toList();
      return new Parts(false, numbers, numbers.stream().map(n -> 0).toList(), tail, ids, separators, build);
    }
  }

  /** Every form {@link Version} accepts, as parts. */
  @Provide
  static Arbitrary<Parts> parts() {
    Arbitrary<List<BigInteger>> fields = bigNumbers().list().ofMinSize(3).ofMaxSize(6)
      .edgeCases(edges -> edges.add(List.of(BigInteger.ONE, BigInteger.ZERO, BigInteger.ZERO)));
    Arbitrary<List<Integer>> zeros = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just(0)),
      Tuple.of(1, Arbitraries.integers().between(1, 2))).list().ofSize(6);
    Arbitrary<String> build = Arbitraries.strings().withChars(ALPHANUMERIC + "-").ofMinLength(1).ofMaxLength(4)
      .list().ofMinSize(1).ofMaxSize(3).map(ids -> String.join(".", ids));
    Arbitrary<Parts> tails = Arbitraries.oneOf(
      Arbitraries.just(new Parts(false, null, null, Tail.RELEASE, List.of(), List.of(), null)),
      preReleaseIdentifiers().map(ids -> new Parts(false, null, null, Tail.PRE_RELEASE, ids, List.of(), null)),
      Combinators.combine(Arbitraries.of("a", "b", "rc"), numbers())
        .as((kind, n) -> new Parts(false, null, null, Tail.OLDER_PRE_RELEASE, List.of(kind, n), List.of(), null)),
      suffix());
    Arbitrary<Boolean> v = Arbitraries.frequency(Tuple.of(4, false), Tuple.of(1, true));
    return Combinators.combine(v, fields, zeros, tails, build.injectNull(0.7))
      .as((withV, numbers, z, tail, b) -> new Parts(withV, numbers, z.subList(0, numbers.size()), tail.tail(),
        tail.identifiers(), tail.separators(), b));
  }

  private static Arbitrary<List<String>> preReleaseIdentifiers() {
    Arbitrary<String> word = Arbitraries.strings().withChars(ALPHANUMERIC + "-").ofMinLength(1).ofMaxLength(4)
      .filter(s -> !s.chars().allMatch(Character::isDigit));
    return Arbitraries.oneOf(numbers(), word).list().ofMinSize(1).ofMaxSize(4);
  }

  /**
   * Suffix identifiers, each after {@code .} or {@code _}. After a {@code .}, the first one starts with a letter: a digit
   * there would be read as one more numeric field (the greedy reading that VersionTest pins down with examples).
   */
  private static Arbitrary<Parts> suffix() {
    Arbitrary<String> identifier = Arbitraries.oneOf(
      Arbitraries.strings().withChars(ALPHANUMERIC).ofMinLength(1).ofMaxLength(4),
      numbers(),
      numbers().map(n -> "0" + n));
    Arbitrary<String> startsWithALetter = Combinators.combine(Arbitraries.strings().withChars(LETTERS).ofLength(1),
      Arbitraries.strings().withChars(ALPHANUMERIC).ofMaxLength(3)).as(String::concat);
    Arbitrary<String> separator = Arbitraries.of(".", "_");
    return Combinators.combine(separator, identifier, startsWithALetter,
        Combinators.combine(separator, identifier).as(List::of).list().ofMaxSize(3))
      .as((first, any, letter, more) -> {
        List<String> separators = new ArrayList<>(List.of(first));
        List<String> ids = new ArrayList<>(List.of(first.equals(".") ? letter : any));
        for (List<String> next : more) {
          separators.add(next.get(0));
          ids.add(next.get(1));
        }
        return new Parts(false, null, null, Tail.SUFFIX, ids, separators, null);
      });
  }

  /** Every form {@link Version} accepts, as text. */
  @Provide
  static Arbitrary<String> versions() {
    return parts().map(Parts::text);
  }

  /** The versions of the grammar before the original's forms were accepted: core, pre-release, build, a/b/rc. */
  @Provide
  static Arbitrary<String> earlierVersions() {
    Arbitrary<String> core = Combinators.combine(numbers(), numbers(), numbers()).as((a, b, c) -> a + "." + b + "." + c);
    Arbitrary<String> pre = preReleaseIdentifiers().map(ids -> String.join(".", ids));
    Arbitrary<String> build = Arbitraries.strings().withChars(ALPHANUMERIC + "-").ofMinLength(1).ofMaxLength(4)
      .list().ofMinSize(1).ofMaxSize(3).map(ids -> String.join(".", ids));
    Arbitrary<String> semver = Combinators.combine(core, pre.injectNull(0.4), build.injectNull(0.7))
      .as((c, p, b) -> c + (p == null ? "" : "-" + p) + (b == null ? "" : "+" + b));
    Arbitrary<String> older = Combinators.combine(core, Arbitraries.of("a", "b", "rc"), numbers())
      .as((c, kind, n) -> c + kind + n);
    return Arbitraries.frequencyOf(Tuple.of(6, semver), Tuple.of(2, older), Tuple.of(2, core));
  }

  private static Version v(String text) {
    return Version.parse(text).orElseThrow(() -> new AssertionError("not a version: " + text));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Properties

  @Property
  void everyVersionOfTheGrammarParsesAndKeepsItsText(@ForAll("parts") Parts parts) {
    Statistics.label("tail").collect(parts.tail());
    Statistics.label("v").collect(parts.v());
    Statistics.label("leading zeros").collect(parts.zeros().stream().anyMatch(z -> z > 0));
    Statistics.label("more than three numeric fields").collect(parts.numbers().size() > 3);
    Statistics.label("build").collect(parts.build() != null);
    Statistics.label("tail").coverage(c -> Arrays.stream(Tail.values()).forEach(t -> c.check(t).count(n -> n > 0)));
    for (String label : List.of("v", "leading zeros", "more than three numeric fields", "build")) {
      Statistics.label(label).coverage(c -> {
        c.check(true).count(n -> n > 0);
        c.check(false).count(n -> n > 0);
      });
    }
    String text = parts.text();
    assertEquals(text, v(text).text());
  }

  @Property(tries = 2000)
  void orderAgreesWithTheModel(@ForAll("parts") Parts a, @ForAll("parts") Parts b) {
    assertEquals(Integer.signum(Model.compare(a, b)), Integer.signum(v(a.text()).compareTo(v(b.text()))),
      a.text() + " against " + b.text());
  }

  @Property(tries = 2000)
  void theOrderOfEarlierVersionsIsTheirSemVerPrecedenceAsBefore(@ForAll("earlierVersions") String a,
      @ForAll("earlierVersions") String b) {
    assertEquals(Integer.signum(SemVerModel.compare(a, b)), Integer.signum(v(a).compareTo(v(b))), a + " against " + b);
  }

  @Property
  void orderIsTotalReflexiveAndAntisymmetric(@ForAll("versions") String a, @ForAll("versions") String b) {
    assertEquals(-Integer.signum(v(b).compareTo(v(a))), Integer.signum(v(a).compareTo(v(b))));
    assertEquals(0, v(a).compareTo(v(a)));
  }

  @Property(tries = 2000)
  void orderIsTransitive(@ForAll("versions") String a, @ForAll("versions") String b, @ForAll("versions") String c) {
    Version x = v(a);
    Version y = v(b);
    Version z = v(c);
    if (x.compareTo(y) <= 0 && y.compareTo(z) <= 0) {
      assertTrue(x.compareTo(z) <= 0, a + " <= " + b + " <= " + c);
      if (x.compareTo(y) < 0 || y.compareTo(z) < 0) {
        assertTrue(x.compareTo(z) < 0, a + " < " + c);
      }
    }
  }

  @Property
  void sortingGivesAChainInOrder(@ForAll @Size(max = 30) List<@From("parts") Parts> parts) {
    record Parsed(Parts parts, Version version) {
    }
    List<Parsed> sorted = new ArrayList<>(parts.stream().map(p -> new Parsed(p, v(p.text()))).toList());
    sorted.sort((a, b) -> a.version().compareTo(b.version()));
    for (int i = 1; i < sorted.size(); i++) {
      assertTrue(Model.compare(sorted.get(i - 1).parts(), sorted.get(i).parts()) <= 0,
        sorted.stream().map(Parsed::version).toList().toString());
    }
  }

  @Property
  void buildMetadataDoesNotCount(@ForAll("parts") Parts parts) {
    Version without = v(parts.withBuild(null).text());
    assertEquals(0, v(parts.withBuild("build.7").text()).compareTo(without), parts.text());
    assertEquals(0, v(parts.text()).compareTo(without), parts.text());
  }

  @Property
  void leadingZerosAndTheVDoNotCount(@ForAll("parts") Parts parts) {
    assertEquals(0, v(parts.text()).compareTo(v(parts.plainlyWritten().text())), parts.text());
  }

  @Property
  void preReleasesComeBeforeTheirReleaseAndSuffixesAfterIt(@ForAll("parts") Parts parts) {
    Parts release = new Parts(parts.v(), parts.numbers(), parts.zeros(), Tail.RELEASE, List.of(), List.of(),
      parts.build());
    int c = Integer.signum(v(parts.text()).compareTo(v(release.text())));
    switch (parts.tail()) {
      case PRE_RELEASE, OLDER_PRE_RELEASE -> assertEquals(-1, c, parts.text());
      case RELEASE -> assertEquals(0, c, parts.text());
      case SUFFIX -> assertEquals(1, c, parts.text());
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Models

  /**
   * The order of SPEC.md over versions as parts: numeric fields as numbers (a longer list of equal fields is newer),
   * then pre-release &lt; release &lt; suffix, then identifiers as in SemVer. It never reads text.
   */
  static final class Model {

    static int compare(Parts a, Parts b) {
      for (int i = 0; i < Math.min(a.numbers().size(), b.numbers().size()); i++) {
        int c = a.numbers().get(i).compareTo(b.numbers().get(i));
        if (c != 0) {
          return c;
        }
      }
      if (a.numbers().size() != b.numbers().size()) {
        return a.numbers().size() - b.numbers().size();
      }
      int c = Integer.compare(rank(a.tail()), rank(b.tail()));
      if (c != 0) {
        return c;
      }
      return SemVerModel.compareIdentifierLists(a.identifiers(), b.identifiers());
    }

    private static int rank(Tail tail) {
      return switch (tail) {
        case PRE_RELEASE, OLDER_PRE_RELEASE -> 0;
        case RELEASE -> 1;
        case SUFFIX -> 2;
      };
    }
  }

  /** SemVer 2.0 precedence, written from the specification: the order of the versions that were valid before. */
  static final class SemVerModel {

    private static final Pattern PARTS = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)(?:(a|b|rc)(\\d+)|-([^+]+))?(?:\\+.*)?");

    static int compare(String a, String b) {
      Matcher x = match(a);
      Matcher y = match(b);
      for (int group = 1; group <= 3; group++) {
        int c = new BigInteger(x.group(group)).compareTo(new BigInteger(y.group(group)));
        if (c != 0) {
          return c;
        }
      }
      List<String> p = pre(x);
      List<String> q = pre(y);
      if (p.isEmpty() || q.isEmpty()) {
        return Boolean.compare(p.isEmpty(), q.isEmpty());
      }
      return compareIdentifierLists(p, q);
    }

    static int compareIdentifierLists(List<String> p, List<String> q) {
      for (int i = 0; i < Math.min(p.size(), q.size()); i++) {
        int c = compareIdentifiers(p.get(i), q.get(i));
        if (c != 0) {
          return c;
        }
      }
      return Integer.compare(p.size(), q.size());
    }

    private static Matcher match(String text) {
      Matcher m = PARTS.matcher(text);
      if (!m.matches()) {
        throw new AssertionError("the model cannot read " + text);
      }
      return m;
    }

    private static List<String> pre(Matcher m) {
      if (m.group(4) != null) {
        return List.of(m.group(4), m.group(5));
      }
      return m.group(6) == null ? List.of() : Arrays.asList(m.group(6).split("\\."));
    }

    private static int compareIdentifiers(String a, String b) {
      boolean numericA = a.matches("\\d+");
      boolean numericB = b.matches("\\d+");
      if (numericA && numericB) {
        return new BigInteger(a).compareTo(new BigInteger(b));
      }
      if (numericA != numericB) {
        return numericA ? -1 : 1;
      }
      return a.compareTo(b);
    }
  }
}
