package org.packagerepository.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class VersionTest {

  private static Version v(String text) {
    return Version.parse(text).orElseThrow(() -> new AssertionError("not a version: " + text));
  }

  @ParameterizedTest(name = "{0} is a valid version")
  @ValueSource(strings = {
      "0.0.0", "1.0.23", "10.20.30", "1.0.0-rc.1", "1.0.0-SNAPSHOT", "1.2.3+build.7", "1.0.0-rc.1+b.2",
      "1.0.0-0", "1.0.0-0a", "1.0.0--", "1.0.0-x-y.z-1", "1.0.0+001", "1.0.0a1", "1.0.0b2", "1.0.0rc1",
      "1.0.0a0", "99999999999999999999999.0.0"})
  void acceptsValidVersions(String text) {
    assertEquals(text, v(text).text());
  }

  @ParameterizedTest(name = "{0}, of the forms the original accepted or a combination of them, is a valid version")
  @ValueSource(strings = {
      "2019.01.05", "01.02.03", "1.0.0.1", "1.0.0.0", "1.0.0.dev", "1.0.0_b", "v1.0.0", "1.0.0+b7",
      "1.0.01", "00.00.00", "1.2.3.4.5.6", "v01.02.03.04-rc.1+b.2", "1.0.0.dev1", "1.0.0_b.2", "1.0.0.post_1",
      "1.0.0.dev+b7", "1.0.0_1", "1.0.0.1a1", "1.0.0.1.dev", "1.0.0.1a", "1.0.0a1+b.2", "v1.0.0a1", "1.0.0.a1",
      "1.0.0.RC1", "1.0.0_2019.01.05"})
  void acceptsTheOriginalsFormsAndTheirCombinations(String text) {
    assertEquals(text, v(text).text());
  }

  @ParameterizedTest(name = "\"{0}\" is not a valid version")
  @NullAndEmptySource
  @ValueSource(strings = {
      "1", "1.0", "1.0.0x", "1.0.0-", "1.0.0+", "1.0.0-01",
      "1.0.0-rc..1", "1.0.0-rc.", "1.0.0+b..1", "1.0.0-+b", "1.0.0a", "1.0.0c1", "1.0.0a01", "1.0.0-rc_1",
      "1.0.0 ", " 1.0.0", "1.0.0-é", "１.0.0",
      // the original refused it: a word glued to the patch is neither SemVer nor the older a/b/rc form
      "1.0.0beta",
      // the forms the original accepted, but broken
      "V1.0.0", "vv1.0.0", "v1.0", "v", "v.1.0.0", "1.0.0.", "1.0.0_", "1.0.0._b", "1.0.0_.b", "1.0.0..1",
      "1.0.0.dev.", "1.0.0.dev-1", "1.0.0.dev+", "1.0.0_b-rc", "1.0.0a1.dev", "1.0.0a1_b", "1.0.0-rc.1_b",
      "1.0.0-rc.1.dev_x", "1.0.0+b7.dev_x", "1.0.0.dév", "1.0.0._", "1.0.0+b7+b8", ".1.0.0", "1..0.0", "1.0.0.-1"})
  void rejectsInvalidVersions(String text) {
    assertTrue(Version.parse(text).isEmpty(), text);
  }

  @ParameterizedTest(name = "{0} < {1}")
  @CsvSource({
      "1.0.9, 1.0.10",
      "1.99.99, 2.0.0",
      "1.9.0, 1.10.0",
      "1.0.0-rc.1, 1.0.0",
      "1.0.0-SNAPSHOT, 1.0.0",
      "1.0.0a1, 1.0.0b1",
      "1.0.0b1, 1.0.0rc1",
      "1.0.0rc1, 1.0.0",
      "1.0.0a1, 1.0.0a2",
      "1.0.0a9, 1.0.0a10",
      "1.0.0-1, 1.0.0-a",
      "1.0.0-2, 1.0.0-10",
      "1.0.0-Z, 1.0.0-a",
      "9223372036854775807.0.0, 9223372036854775808.0.0",
      "1.0.0-9223372036854775808, 1.0.0-9223372036854775809",
      "99999999999999999999.0.0, 100000000000000000000.0.0",
      // numeric fields as numbers, however many and however written
      "1.0.10, 2019.01.05",
      "1.0.9, 2019.01.05",
      "1.0.0, 1.0.0.1",
      "1.0.0, 1.0.0.0",
      "1.0.0.0, 1.0.0.1",
      "1.0.0.9, 1.0.0.10",
      "1.0.0.1, 1.0.1",
      "1.2.2, 01.02.03",
      "01.02.03, 1.2.4",
      "v1.0.0, 1.0.1",
      "1.0.0, v1.0.1",
      "1.0.0.99999999999999999999, 1.0.0.100000000000000000000",
      // pre-release < release < suffix, all before the next number
      "1.0.0-rc.1, 1.0.0.dev",
      "1.0.0a1, 1.0.0_b",
      "1.0.0, 1.0.0.dev",
      "1.0.0, 1.0.0_b",
      "1.0.0+b7, 1.0.0_b",
      "1.0.0.dev, 1.0.1-rc.1",
      "1.0.0.dev, 1.0.0.0",
      "1.0.0.dev, 1.0.0.1a1",
      "1.0.0.1a1, 1.0.0.1",
      "1.0.0, 1.0.0.0a1",
      // among suffixes: numeric before alphanumeric, numbers as numbers, ASCII, a prefix is older
      "1.0.0_b, 1.0.0.dev",
      "1.0.0_1, 1.0.0_a",
      "1.0.0_9, 1.0.0_10",
      "1.0.0.dev.2, 1.0.0.dev.10",
      "1.0.0.dev10, 1.0.0.dev2",
      "1.0.0.dev, 1.0.0.dev.1",
      "1.0.0.dev, 1.0.0.dev_1",
      "1.0.0.RC1, 1.0.0.dev",
      "1.0.0_b.99999999999999999999, 1.0.0_b.100000000000000000000",
  })
  void ordersVersionsByPrecedence(String lower, String higher) {
    assertTrue(v(lower).compareTo(v(higher)) < 0, lower + " < " + higher);
    assertTrue(v(higher).compareTo(v(lower)) > 0, higher + " > " + lower);
  }

  @ParameterizedTest(name = "{0} has the same precedence as {1} but is not equal to it")
  @CsvSource({
      "1.0.0+a, 1.0.0+b",
      "1.0.0, 1.0.0+build.7",
      "1.0.0-rc.1+b.2, 1.0.0-rc.1",
      "1.0.0a1, 1.0.0-a.1",
      "1.0.0.dev+b7, 1.0.0.dev",
      "1.0.0a1+b7, 1.0.0a1",
      "1.0.0.1+b7, 1.0.0.1",
  })
  void ignoresBuildMetadataForPrecedence(String a, String b) {
    assertEquals(0, v(a).compareTo(v(b)));
    assertNotEquals(v(a), v(b));
  }

  @ParameterizedTest(name = "{0} has the same precedence as {1} but is not equal to it")
  @CsvSource({
      "01.02.03, 1.2.3",
      "v1.0.0, 1.0.0",
      "v01.02.03, 1.2.3",
      "2019.01.05, 2019.1.5",
      "1.0.0.01, 1.0.0.1",
      "1.0.0.dev, 1.0.0_dev",
      "1.0.0_b.2, 1.0.0.b_2",
      "1.0.0_01, 1.0.0_1",
      "v1.0.0-rc.1, 1.0.0-rc.1",
  })
  void leadingZerosTheVAndTheSuffixSeparatorDoNotCount(String a, String b) {
    assertEquals(0, v(a).compareTo(v(b)));
    assertEquals(0, v(b).compareTo(v(a)));
    assertNotEquals(v(a), v(b));
  }

  /** Where the text can be read two ways, the numeric fields are taken greedily, then as many given back as needed. */
  @ParameterizedTest(name = "{0} is read as {1}, not as {2}")
  @CsvSource({
      // four numeric fields, not 1.0.0 with the suffix 1
      "1.0.0.1, 1.0.0.1+x, 1.0.0_1",
      // four numeric fields and the suffix dev, not 1.0.0 with the suffix 1.dev
      "1.0.0.1.dev, 1.0.0.1_dev, 1.0.0_1.dev",
      // four numeric fields and the pre-release a1, not 1.0.0 with the suffix 1a1
      "1.0.0.1a1, 1.0.0.1-a.1, 1.0.0_1a1",
      // four numeric fields and the suffix 2
      "1.0.0.1_2, 1.0.0.1_02, 1.0.0_1.2",
      // 'a' needs a number: three numeric fields and the suffix 1a
      "1.0.0.1a, 1.0.0_1a, 1.0.0.1-a",
      // 'b2.x' is no tail of 1.0.0.1: three numeric fields and the suffix 1b2.x
      "1.0.0.1b2.x, 1.0.0_1b2_x, 1.0.0.1b2",
  })
  void readsAnAmbiguousVersionWithAsManyNumericFieldsAsItsTailAllows(String text, String sameAs, String notAs) {
    assertEquals(0, v(text).compareTo(v(sameAs)), text + " == " + sameAs);
    assertNotEquals(0, v(text).compareTo(v(notAs)), text + " != " + notAs);
  }

  @Test
  void sortsTheOriginalsVersionsNumericallyWithPreReleasesBeforeAndSuffixesAfterTheirRelease() {
    List<String> expected = List.of("1.0.0-rc.1", "1.0.0", "1.0.0_b", "1.0.0.dev", "1.0.0.1", "1.0.9", "1.0.10",
        "2019.01.05");
    List<Version> shuffled = new ArrayList<>(expected.stream().map(VersionTest::v).toList());
    Collections.shuffle(shuffled, new Random(15));
    Collections.sort(shuffled);
    assertEquals(expected, shuffled.stream().map(Version::text).toList());
  }

  @Test
  void sortsTheSemVerSpecExampleIntoItsStatedOrder() {
    List<String> expected = List.of("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
        "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0");
    List<Version> shuffled = new ArrayList<>(expected.stream().map(VersionTest::v).toList());
    Collections.shuffle(shuffled, new Random(42));
    Collections.sort(shuffled);
    assertEquals(expected, shuffled.stream().map(Version::text).toList());
  }

  @Test
  void equalsHashCodeAndToStringAreOnTheTextAsWritten() {
    assertEquals(v("1.0.0-rc.1"), v("1.0.0-rc.1"));
    assertEquals(v("1.0.0-rc.1").hashCode(), v("1.0.0-rc.1").hashCode());
    assertEquals("1.0.0-rc.1+b.2", v("1.0.0-rc.1+b.2").toString());
  }
}
