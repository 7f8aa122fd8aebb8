package org.packagerepository.packages;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.Optional;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Package file names: what parses is exactly a safe name and a version, and nothing unsafe ever parses. */
class PackageFileProperties {

  private static final String SAFE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-";
  /** A {@code -} followed by a version core: where {@link PackageFile} would see a version start. */
  private static final Pattern DASH_CORE =
    Pattern.compile("-(?:0|[1-9][0-9]*)\\.(?:0|[1-9][0-9]*)\\.(?:0|[1-9][0-9]*)(?![0-9])");

  /** Package names of the allowed characters, dashes included, that do not look like a path. */
  @Provide
  Arbitrary<String> names() {
    return Arbitraries.strings().withChars(SAFE).ofMinLength(1).ofMaxLength(60)
      .filter(s -> s.charAt(0) != '.' && s.charAt(0) != '-' && !s.contains(".."));
  }

  @Provide
  Arbitrary<String> versions() {
    return VersionProperties.versions();
  }

  /** Anything: unsafe characters, slashes, dots, non-ASCII, and pieces of real names. */
  @Provide
  Arbitrary<String> anything() {
    return Arbitraries.oneOf(
      Arbitraries.strings().ofMaxLength(80),
      Arbitraries.strings().withChars(SAFE + "/\\%.\u0000 é").ofMaxLength(80).map(s -> s + ".tar.gz"),
      Arbitraries.strings().withChars("./-1").ofMaxLength(20).map(s -> s + "-1.0.0.tar.gz"));
  }

  @Property(tries = 2000)
  void whatParsesIsItsNameAndVersionAndIsSafe(@ForAll("anything") String text) {
    Optional<PackageFile> parsed = PackageFile.parse(text);
    assertEquals(parsed.isPresent(), PackageFile.isValid(text));
    parsed.ifPresent(file -> {
      assertEquals(text, file.name() + "-" + file.version().text() + ".tar.gz");
      assertEquals(text, file.fileName());
      assertTrue(text.length() <= PackageFile.MAX_LENGTH);
      assertFalse(text.contains("..") || text.contains("/") || text.contains("\\"), text);
      assertFalse(file.name().startsWith(".") || file.name().startsWith("-"), text);
      assertTrue(text.chars().allMatch(c -> SAFE.indexOf(c) >= 0), text);
    });
  }

  @Property(tries = 2000)
  void aNameAndAVersionMakeAFileThatParsesBackToThem(@ForAll("names") String name, @ForAll("versions") String version) {
    String file = name + "-" + version + ".tar.gz";
    // A dash and a version core inside the version's own suffix (1.0.0-2.0.0) would be taken as the version.
    Assume.that(!DASH_CORE.matcher(version).find() && file.length() <= PackageFile.MAX_LENGTH);
    PackageFile parsed = PackageFile.parse(file).orElseThrow(() -> new AssertionError("does not parse: " + file));
    assertEquals(version, parsed.version().text());
    assertEquals(name, parsed.name());
    assertEquals(name + "-" + version, parsed.id());
  }

  @Property
  void oneUnsafeCharacterAnywhereMakesItInvalid(@ForAll("names") String name, @ForAll("versions") String version,
      @ForAll("unsafe") char unsafe, @ForAll @IntRange(min = 0, max = 1000) int where) {
    String file = name + "-" + version + ".tar.gz";
    int at = where % (file.length() + 1);
    assertTrue(PackageFile.parse(file.substring(0, at) + unsafe + file.substring(at)).isEmpty());
  }

  @Provide
  Arbitrary<Character> unsafe() {
    return Arbitraries.oneOf(Arbitraries.of('/', '\\', '%', ' ', '\u0000', '\n', ':', '*', '?', '"', '<', '>', '|',
      'é', '\u202e'), Arbitraries.chars().filter(c -> SAFE.indexOf(c) < 0));
  }

  @Property
  void aDoubleDotAnywhereMakesItInvalid(@ForAll("names") String name, @ForAll("versions") String version,
      @ForAll @IntRange(min = 0, max = 1000) int where) {
    String file = name + "-" + version + ".tar.gz";
    int at = where % (file.length() + 1);
    assertTrue(PackageFile.parse(file.substring(0, at) + ".." + file.substring(at)).isEmpty());
  }

  @Property
  void longerThanTheLimitIsInvalid(@ForAll("versions") String version) {
    String name = "a".repeat(PackageFile.MAX_LENGTH);
    assertTrue(PackageFile.parse(name + "-" + version + ".tar.gz").isEmpty());
  }
}
