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

  @ParameterizedTest(name = "\"{0}\" is not a valid version")
  @NullAndEmptySource
  @ValueSource(strings = {
      "1", "1.0", "1.0.0.0", "01.0.0", "1.01.0", "1.0.01", "1.0.0x", "1.0.0-", "1.0.0+", "1.0.0-01",
      "1.0.0-rc..1", "1.0.0-rc.", "1.0.0+b..1", "1.0.0-+b", "1.0.0a", "1.0.0c1", "1.0.0a01", "1.0.0-rc_1",
      "v1.0.0", "1.0.0 ", " 1.0.0", "1.0.0-é", "１.0.0"})
  void rejectsInvalidVersions(String text) {
    assertTrue(Version.parse(text).isEmpty());
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
  })
  void ignoresBuildMetadataForPrecedence(String a, String b) {
    assertEquals(0, v(a).compareTo(v(b)));
    assertNotEquals(v(a), v(b));
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
