package org.packagerepository.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;

class PackageFileTest {

  /** "-1.0.0.tar.gz" is 13 bytes. */
  private static final String LONGEST_VALID = "a".repeat(PackageFile.MAX_LENGTH - 13) + "-1.0.0.tar.gz";

  private static PackageFile file(String fileName) {
    return PackageFile.parse(fileName).orElseThrow(() -> new AssertionError("not valid: " + fileName));
  }

  @ParameterizedTest(name = "{0} is package {1} version {2}")
  @CsvSource({
      "spark-batch-example-app-1.0.23.tar.gz, spark-batch-example-app, 1.0.23",
      "test_temp_sr_system_test-0.0.2.tar.gz, test_temp_sr_system_test, 0.0.2",
      "app-1.0.0.tar.gz,                      app,                      1.0.0",
      "app-1.0.0-rc.1.tar.gz,                 app,                      1.0.0-rc.1",
      "app-1.0.0-SNAPSHOT.tar.gz,             app,                      1.0.0-SNAPSHOT",
      "app-1.2.3+build.7.tar.gz,              app,                      1.2.3+build.7",
      "app-1.0.0-rc.1+b.2.tar.gz,             app,                      1.0.0-rc.1+b.2",
      "app-1.0.0-x-y.tar.gz,                  app,                      1.0.0-x-y",
      "app-1.0.0a1.tar.gz,                    app,                      1.0.0a1",
      "app-1.0.0b2.tar.gz,                    app,                      1.0.0b2",
      "app-1.0.0rc1.tar.gz,                   app,                      1.0.0rc1",
      "my-app-2-1.2.3.tar.gz,                 my-app-2,                 1.2.3",
      "lib-2.0.0-client-1.0.0.tar.gz,         lib-2.0.0-client,         1.0.0",
      "app-1.0.0-1.2.3.tar.gz,                app-1.0.0,                1.2.3",
      "c++-tools-1.0.0.tar.gz,                c++-tools,                1.0.0",
      "+plus-1.0.0.tar.gz,                    +plus,                    1.0.0",
      "_private-1.0.0.tar.gz,                 _private,                 1.0.0",
      "my.pkg_name-0.1.0.tar.gz,              my.pkg_name,              0.1.0",
      "Upper-Case-1.0.0.tar.gz,               Upper-Case,               1.0.0",
      "42-1.0.0.tar.gz,                       42,                       1.0.0",
      "1.0.0-2.0.0.tar.gz,                    1.0.0,                    2.0.0",
      "app-v1.0.0-3.0.0.tar.gz,               app-v1.0.0,               3.0.0",
      "app--1.0.0.tar.gz,                     app-,                     1.0.0",
      "app-10.20.30.tar.gz,                   app,                      10.20.30",
      "app-99999999999999999999.0.0.tar.gz,   app,                      99999999999999999999.0.0",
      // the original's forms
      "app-1.0.0.0.tar.gz,                    app,                      1.0.0.0",
      "app-01.0.0.tar.gz,                     app,                      01.0.0",
      "app-1.0.01.tar.gz,                     app,                      1.0.01",
      "app-v1.0.0-rc.1.tar.gz,                app,                      v1.0.0-rc.1",
      "app-1.0.0.dev+b7.tar.gz,               app,                      1.0.0.dev+b7",
      "app-1.0.0.1a1.tar.gz,                  app,                      1.0.0.1a1",
      "app-v-1.0.0.tar.gz,                    app-v,                    1.0.0",
      "app-v1-v1.0.0.tar.gz,                  app-v1,                   v1.0.0",
      "app-v2.0.0-1.0.0.tar.gz,               app-v2.0.0,               1.0.0",
      "app-01.0.0-1.0.0_b.tar.gz,             app-01.0.0,               1.0.0_b",
      // a version valid before the original's forms were keeps its split, though a later '-' starts one of them
      "app-1.0.0-v1.2.3.tar.gz,               app,                      1.0.0-v1.2.3",
      "app-1.0.0-1.tar.gz,                    app,                      1.0.0-1",
      // the rightmost strict core gives no valid version: the rightmost '-' that does
      "x-1.2.3-01.02.03.tar.gz,               x-1.2.3,                  01.02.03",
      "app-1.0.0_x-v2.0.0.tar.gz,             app-1.0.0_x,              v2.0.0",
      "app-1.0.0-2.0.0x.tar.gz,               app,                      1.0.0-2.0.0x",
  })
  void splitsAValidFileNameIntoNameAndVersion(String fileName, String name, String version) {
    PackageFile file = file(fileName);
    assertEquals(fileName, file.fileName());
    assertEquals(name, file.name());
    assertEquals(version, file.version().text());
    assertEquals(fileName.substring(0, fileName.length() - ".tar.gz".length()), file.id());
    assertTrue(PackageFile.isValid(fileName));
  }

  /** Every row of the original's measured table that it accepted (seed/original-behaviour.md), as written. */
  @ParameterizedTest(name = "{0}, which the original accepted, is package {1} version {2}")
  @CsvSource({
      "app-1.0.0.tar.gz,                        app,                       1.0.0",
      "app-10.20.30.tar.gz,                     app,                       10.20.30",
      "spark-batch-example-app-c-1.0.23.tar.gz, spark-batch-example-app-c, 1.0.23",
      "App-1.0.0.tar.gz,                        App,                       1.0.0",
      "app.name-1.0.0.tar.gz,                   app.name,                  1.0.0",
      "my_app-1.2.3.tar.gz,                     my_app,                    1.2.3",
      "app-2019.01.05.tar.gz,                   app,                       2019.01.05",
      "app-01.02.03.tar.gz,                     app,                       01.02.03",
      "app-1.0.0.1.tar.gz,                      app,                       1.0.0.1",
      "app-1.0.0.dev.tar.gz,                    app,                       1.0.0.dev",
      "app-1.0.0_b.tar.gz,                      app,                       1.0.0_b",
      "app-1.0.0+b7.tar.gz,                     app,                       1.0.0+b7",
      "app-v1.0.0.tar.gz,                       app,                       v1.0.0",
      // and not -1.0.0.tar.gz, which it took with an empty name: SPEC.md refuses it (see rejectsAnInvalidFileName)
  })
  void acceptsEveryNameTheOriginalAcceptedWithTheVersionAsWritten(String fileName, String name, String version) {
    PackageFile file = file(fileName);
    assertEquals(name, file.name());
    assertEquals(version, file.version().text());
  }

  /** The rows of the original's table that it refused, and that are SemVer 2.0 or the older a/b/rc form. */
  @ParameterizedTest(name = "{0}, which the original refused, is package {1} version {2}")
  @CsvSource({
      "app-1.0.0-SNAPSHOT.tar.gz, app, 1.0.0-SNAPSHOT",
      "app-1.0.0-rc.1.tar.gz,     app, 1.0.0-rc.1",
      "app-1.0.0-beta.tar.gz,     app, 1.0.0-beta",
      "app-1.0.0-1.tar.gz,        app, 1.0.0-1",
      "app-1.0.0a1.tar.gz,        app, 1.0.0a1",
      "app-1.0.0b2.tar.gz,        app, 1.0.0b2",
      "app-1.0.0rc1.tar.gz,       app, 1.0.0rc1",
  })
  void acceptsTheSemVerFormsTheOriginalRefused(String fileName, String name, String version) {
    PackageFile file = file(fileName);
    assertEquals(name, file.name());
    assertEquals(version, file.version().text());
  }

  @Test
  void acceptsAFileNameOfExactly255Bytes() {
    assertEquals(255, LONGEST_VALID.getBytes(StandardCharsets.UTF_8).length);
    assertTrue(PackageFile.isValid(LONGEST_VALID));
  }

  static Stream<Arguments> invalidFileNames() {
    return Stream.of(
        Arguments.of("a path traversal", "../x-1.0.0.tar.gz"),
        Arguments.of("an encoded traversal left encoded", "..%2fx-1.0.0.tar.gz"),
        Arguments.of("a traversal inside a path", "a/../b-1.0.0.tar.gz"),
        Arguments.of("a slash", "a/b-1.0.0.tar.gz"),
        Arguments.of("a backslash", "a\\b-1.0.0.tar.gz"),
        Arguments.of("a backslash traversal", "..\\x-1.0.0.tar.gz"),
        Arguments.of("a double dot in the name", "a..b-1.0.0.tar.gz"),
        Arguments.of("a double dot before the extension", "app-1.0.0..tar.gz"),
        Arguments.of("a NUL", "app\0-1.0.0.tar.gz"),
        Arguments.of("a trailing NUL", "app-1.0.0.tar.gz\0"),
        Arguments.of("a newline", "app\n-1.0.0.tar.gz"),
        Arguments.of("a tab", "app\t-1.0.0.tar.gz"),
        Arguments.of("a DEL", "app\u007f-1.0.0.tar.gz"),
        Arguments.of("a space", "my app-1.0.0.tar.gz"),
        Arguments.of("encoded dots", "%2e%2e-1.0.0.tar.gz"),
        Arguments.of("a percent sign", "app%20x-1.0.0.tar.gz"),
        Arguments.of("a leading dot", ".app-1.0.0.tar.gz"),
        Arguments.of("a leading dash", "-app-1.0.0.tar.gz"),
        Arguments.of("only a version", "1.0.0.tar.gz"),
        Arguments.of("an empty name", "-1.0.0.tar.gz"),
        Arguments.of("256 bytes", "a" + LONGEST_VALID),
        Arguments.of("the .tgz extension", "app-1.0.0.tgz"),
        Arguments.of("the .tar extension", "app-1.0.0.tar"),
        Arguments.of("the .zip extension", "app-1.0.0.zip"),
        Arguments.of("an upper-case extension", "app-1.0.0.TAR.GZ"),
        Arguments.of("no extension", "app-1.0.0"),
        Arguments.of("only the extension", ".tar.gz"),
        Arguments.of("no version", "app.tar.gz"),
        Arguments.of("a two-part version", "app-1.0.tar.gz"),
        Arguments.of("a version not after a dash", "app1.0.0.tar.gz"),
        Arguments.of("junk after the version", "app-1.0.0x.tar.gz"),
        Arguments.of("an empty pre-release", "app-1.0.0-.tar.gz"),
        Arguments.of("a numeric pre-release with a leading zero", "app-1.0.0-01.tar.gz"),
        Arguments.of("empty build metadata", "app-1.0.0+.tar.gz"),
        Arguments.of("a pre-release with an underscore", "app-1.0.0-rc_1.tar.gz"),
        Arguments.of("a plain word", "ThisPackageShouldReallyNotExist"),
        Arguments.of("an empty string", ""),
        Arguments.of("non-ASCII letters", "café-1.0.0.tar.gz"),
        Arguments.of("non-ASCII digits", "app-１.0.0.tar.gz"),
        Arguments.of("a non-ASCII look-alike of a dot", "app-1\u22150.0.tar.gz"),
        // rows of the original's table that it refused and that are no SemVer form either
        Arguments.of("a word glued to the version", "app-1.0.0beta.tar.gz"),
        Arguments.of("the .tar.bz2 extension", "app-1.0.0.tar.bz2"),
        Arguments.of("no version and no dash", "foo.tar.gz"),
        // the original's forms, broken
        Arguments.of("an upper-case V", "app-V1.0.0.tar.gz"),
        Arguments.of("two v", "app-vv1.0.0.tar.gz"),
        Arguments.of("a v and a two-part version", "app-v1.0.tar.gz"),
        Arguments.of("a v without a dash", "appv1.0.0.tar.gz"),
        Arguments.of("an empty suffix", "app-1.0.0_.tar.gz"),
        Arguments.of("two suffix separators", "app-1.0.0._b.tar.gz"),
        Arguments.of("a dash in a suffix", "app-1.0.0.dev-x.tar.gz"),
        Arguments.of("a suffix after the older pre-release form", "app-1.0.0a1.dev.tar.gz"),
        Arguments.of("an underscore in a pre-release", "app-1.0.0-rc.1_b.tar.gz"),
        Arguments.of("an empty name before a v version", "-v1.0.0.tar.gz"),
        Arguments.of("an empty name before leading zeros", "-01.02.03.tar.gz"));
  }

  @ParameterizedTest(name = "a file name with {0} is invalid")
  @MethodSource("invalidFileNames")
  void rejectsAnInvalidFileName(String why, String fileName) {
    assertTrue(PackageFile.parse(fileName).isEmpty(), fileName);
    assertFalse(PackageFile.isValid(fileName), fileName);
  }

  @ParameterizedTest(name = "null or empty is invalid")
  @NullAndEmptySource
  void rejectsNullAndEmpty(String fileName) {
    assertFalse(PackageFile.isValid(fileName));
  }

  @Test
  void ordersByNameThenVersionPrecedenceThenFileName() {
    List<String> expected = List.of(
        "a-2.0.0.tar.gz",
        "app-1.0.0-rc.1.tar.gz",
        // equal precedence: file name order, where '+' (0x2B) sorts before '.' (0x2E)
        "app-1.0.0+a.tar.gz",
        "app-1.0.0+b.tar.gz",
        "app-1.0.0.tar.gz",
        "app-1.0.9.tar.gz",
        "app-1.0.10.tar.gz",
        "app-2-0.0.1.tar.gz",
        "b-0.0.1.tar.gz");
    List<PackageFile> files = new ArrayList<>(expected.stream().map(PackageFileTest::file).toList());
    Collections.shuffle(files, new Random(7));
    Collections.sort(files);
    assertEquals(expected, files.stream().map(PackageFile::fileName).toList());
  }

  @Test
  void ordersTheOriginalsFormsByVersionPrecedenceThenFileName() {
    List<String> expected = List.of(
        "app-1.0.0-rc.1.tar.gz",
        // the release, three ways: equal precedence, so file name order ('+' < '.' < 'v')
        "app-1.0.0+b7.tar.gz",
        "app-1.0.0.tar.gz",
        "app-v1.0.0.tar.gz",
        // suffixes after their release, in ASCII order
        "app-1.0.0_b.tar.gz",
        "app-1.0.0.dev.tar.gz",
        "app-1.0.0.1.tar.gz",
        "app-1.0.9.tar.gz",
        "app-1.0.10.tar.gz",
        // 01.02.03 is 1.2.3: file name order
        "app-01.02.03.tar.gz",
        "app-1.2.3.tar.gz",
        "app-2019.01.05.tar.gz");
    List<PackageFile> files = new ArrayList<>(expected.stream().map(PackageFileTest::file).toList());
    Collections.shuffle(files, new Random(15));
    Collections.sort(files);
    assertEquals(expected, files.stream().map(PackageFile::fileName).toList());
  }

  @Test
  void equalsHashCodeAndToStringAreOnTheFileName() {
    assertEquals(file("app-1.0.0.tar.gz"), file("app-1.0.0.tar.gz"));
    assertEquals(file("app-1.0.0.tar.gz").hashCode(), file("app-1.0.0.tar.gz").hashCode());
    assertFalse(file("app-1.0.0.tar.gz").equals(file("app-1.0.0+b.tar.gz")));
    assertEquals("app-1.0.0.tar.gz", file("app-1.0.0.tar.gz").toString());
  }
}
