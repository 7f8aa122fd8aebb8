package org.packagerepository.packages;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

import java.util.Optional;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Package file names: what parses is exactly a safe name and a version, and nothing unsafe ever parses. */
class PackageFileProperties {

  private static final String SAFE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-";
  /** A {@code -} followed by a version core, a {@code v} and leading zeros allowed. */
  private static final Pattern DASH_CORE = Pattern.compile("-v?[0-9]+\\.[0-9]+\\.[0-9]+");
  /** A {@code -} followed by a strict version core: where the earlier rule saw a version start. */
  private static final Pattern DASH_STRICT_CORE =
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

  @Provide
  Arbitrary<VersionProperties.Parts> parts() {
    return VersionProperties.parts();
  }

  /** Anything: unsafe characters, slashes, dots, non-ASCII, and pieces of real names. */
  @Provide
  Arbitrary<String> anything() {
    return Arbitraries.oneOf(
      Arbitraries.strings().ofMaxLength(80),
      Arbitraries.strings().withChars(SAFE + "/\\%.\u0000 é").ofMaxLength(80).map(s -> s + ".tar.gz"),
      Arbitraries.strings().withChars("./-1").ofMaxLength(20).map(s -> s + "-1.0.0.tar.gz"),
      Arbitraries.strings().withChars("./-_+v01a").ofMaxLength(20).map(s -> s + "-1.0.0.tar.gz"),
      Arbitraries.strings().withChars("ap-v01._+").ofMaxLength(30).map(s -> s + ".tar.gz"));
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
  void aNameAndAVersionOfEachFormMakeAFileThatParsesBackToThem(@ForAll("names") String name,
      @ForAll("parts") VersionProperties.Parts parts) {
    String version = parts.text();
    String file = name + "-" + version + ".tar.gz";
    // A dash and a version core inside the version's own suffix (1.0.0-2.0.0) would be taken as the version; and
    // before a version with a v or leading zeros, the earlier rule would take one in the name (x-1.0.0-v2.0.0 is x).
    Assume.that(!DASH_CORE.matcher(version).find() && file.length() <= PackageFile.MAX_LENGTH);
    Assume.that(DASH_STRICT_CORE.matcher("-" + version).lookingAt() || !DASH_STRICT_CORE.matcher(name).find());
    Statistics.label("tail").collect(parts.tail());
    Statistics.label("plainly written").collect(version.equals(parts.plainlyWritten().text()));
    PackageFile parsed = PackageFile.parse(file).orElseThrow(() -> new AssertionError("does not parse: " + file));
    assertEquals(version, parsed.version().text());
    assertEquals(name, parsed.name());
    assertEquals(name + "-" + version, parsed.id());
  }

  /** Names made of words and versions of every form joined by dashes, where the name and version split is awkward. */
  @Provide
  Arbitrary<String> composed() {
    Arbitrary<String> piece = Arbitraries.oneOf(
      Arbitraries.strings().withChars("abvV01_.").ofMinLength(1).ofMaxLength(4),
      VersionProperties.earlierVersions(),
      VersionProperties.versions(),
      VersionProperties.earlierVersions().map(v -> "v" + v));
    return piece.list().ofMinSize(1).ofMaxSize(4).map(pieces -> String.join("-", pieces) + ".tar.gz");
  }

  @Property(tries = 3000)
  void aNameValidUnderTheEarlierRuleKeepsItsNameAndVersion(@ForAll("composed") String file) {
    Optional<String[]> before = EarlierRule.split(file);
    Statistics.label("valid under the earlier rule").collect(before.isPresent());
    Statistics.label("valid under the earlier rule").coverage(c -> c.check(true).percentage(p -> p > 10));
    before.ifPresent(split -> {
      PackageFile parsed = PackageFile.parse(file).orElseThrow(() -> new AssertionError("no longer valid: " + file));
      assertEquals(split[0], parsed.name(), file);
      assertEquals(split[1], parsed.version().text(), file);
    });
  }

  /** A copy of the rule for file names before the original's forms were accepted: the reference for the one above. */
  static final class EarlierRule {

    private static final String NUMBER = "(0|[1-9][0-9]*)";
    private static final String PRE_ID = "(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)";
    private static final String BUILD_ID = "[0-9A-Za-z-]+";
    private static final Pattern VERSION = Pattern.compile(
      NUMBER + "\\." + NUMBER + "\\." + NUMBER
        + "(?:(?:-(" + PRE_ID + "(?:\\." + PRE_ID + ")*))?(?:\\+" + BUILD_ID + "(?:\\." + BUILD_ID + ")*)?"
        + "|(a|b|rc)" + NUMBER + ")");
    private static final Pattern STRICT_CORE = Pattern.compile(NUMBER + "\\." + NUMBER + "\\." + NUMBER + "(?![0-9])");
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_+][A-Za-z0-9._+-]*");

    /** {name, version}, or empty when the earlier rule refused the file name. */
    static Optional<String[]> split(String file) {
      if (file.length() > PackageFile.MAX_LENGTH || !file.endsWith(".tar.gz") || file.contains("..")
          || !SAFE_NAME.matcher(file).matches()) {
        return Optional.empty();
      }
      String stem = file.substring(0, file.length() - ".tar.gz".length());
      for (int i = stem.length() - 1; i > 1; i--) {
        if (stem.charAt(i - 1) == '-' && STRICT_CORE.matcher(stem).region(i, stem.length()).lookingAt()) {
          String version = stem.substring(i);
          return VERSION.matcher(version).matches()
            ? Optional.of(new String[] {stem.substring(0, i - 1), version}) : Optional.empty();
        }
      }
      return Optional.empty();
    }
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
