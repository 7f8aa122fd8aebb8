package org.packagerepository.packages;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Version order against a model of SemVer 2.0 precedence written independently here (big integers, split on dots),
 * over versions of every form the grammar allows, numbers far beyond a long included.
 */
class VersionProperties {

  static final String ALPHANUMERIC = "abcxyzABCXYZ0123456789";

  @Provide
  static Arbitrary<String> numbers() {
    return Arbitraries.oneOf(
      Arbitraries.integers().between(0, 12).map(String::valueOf),
      Arbitraries.bigIntegers().between(BigInteger.ZERO, BigInteger.TEN.pow(40)).map(BigInteger::toString));
  }

  /** Every form {@link Version} accepts: core, pre-release, build metadata, and the a/b/rc suffix. */
  @Provide
  static Arbitrary<String> versions() {
    Arbitrary<String> core = Combinators.combine(numbers(), numbers(), numbers()).as((a, b, c) -> a + "." + b + "." + c);
    Arbitrary<String> word = Arbitraries.strings().withChars(ALPHANUMERIC + "-").ofMinLength(1).ofMaxLength(4)
      .filter(s -> !s.chars().allMatch(Character::isDigit));
    Arbitrary<String> identifier = Arbitraries.oneOf(numbers(), word);
    Arbitrary<String> pre = identifier.list().ofMinSize(1).ofMaxSize(4).map(ids -> String.join(".", ids));
    Arbitrary<String> build = Arbitraries.strings().withChars(ALPHANUMERIC + "-").ofMinLength(1).ofMaxLength(4)
      .list().ofMinSize(1).ofMaxSize(3).map(ids -> String.join(".", ids));
    Arbitrary<String> semver = Combinators.combine(core, pre.injectNull(0.4), build.injectNull(0.7))
      .as((c, p, b) -> c + (p == null ? "" : "-" + p) + (b == null ? "" : "+" + b));
    Arbitrary<String> older = Combinators.combine(core, Arbitraries.of("a", "b", "rc"), numbers())
      .as((c, kind, n) -> c + kind + n);
    return Arbitraries.frequencyOf(
      net.jqwik.api.Tuple.of(6, semver), net.jqwik.api.Tuple.of(2, older), net.jqwik.api.Tuple.of(2, core));
  }

  private static Version v(String text) {
    return Version.parse(text).orElseThrow(() -> new AssertionError("not a version: " + text));
  }

  @Property
  void everyVersionOfTheGrammarParsesAndKeepsItsText(@ForAll("versions") String text) {
    assertEquals(text, v(text).text());
  }

  @Property(tries = 2000)
  void orderIsSemVerPrecedence(@ForAll("versions") String a, @ForAll("versions") String b) {
    assertEquals(Integer.signum(Model.compare(a, b)), Integer.signum(v(a).compareTo(v(b))), a + " against " + b);
  }

  @Property
  void orderIsAntisymmetricAndReflexive(@ForAll("versions") String a, @ForAll("versions") String b) {
    assertEquals(-Integer.signum(v(b).compareTo(v(a))), Integer.signum(v(a).compareTo(v(b))));
    assertEquals(0, v(a).compareTo(v(a)));
  }

  @Property
  void sortingGivesAChainInOrder(@ForAll List<@From("versions") String> texts) {
    List<Version> sorted = new ArrayList<>(texts.stream().map(VersionProperties::v).toList());
    sorted.sort(null);
    for (int i = 1; i < sorted.size(); i++) {
      assertTrue(Model.compare(sorted.get(i - 1).text(), sorted.get(i).text()) <= 0, sorted.toString());
    }
  }

  @Property
  void aReleaseFollowsItsPreReleasesAndBuildMetadataDoesNotCount(@ForAll("versions") String text) {
    Version version = v(text);
    String core = text.split("[-+abr]", 2)[0];
    if (text.length() > core.length() && text.charAt(core.length()) != '+') {
      assertTrue(v(core).compareTo(version) > 0, core + " after " + text);
    }
    if (!text.matches(".*\\d(a|b|rc)\\d+")) {   // the older a/b/rc form takes no build metadata
      String built = text.contains("+") ? text.substring(0, text.indexOf('+')) : text + "+build.1";
      assertEquals(0, version.compareTo(v(built)), text + " and " + built);
    }
  }

  /** SemVer 2.0 precedence, written from the specification: the oracle. */
  static final class Model {

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
