package org.packagerepository.packages;

import java.util.Optional;

/**
 * A package file name {@code <name>-<version>.tar.gz}, e.g. {@code spark-batch-example-app-1.0.23.tar.gz}.
 *
 * <p>The version is found in two steps, the first of which is the whole rule of earlier releases, so that
 * every name valid then keeps its name and version:
 * <ol>
 *   <li>the part after the last {@code -} that is followed by a strict {@code MAJOR.MINOR.PATCH} core
 *       (no {@code v}, no leading zeros), up to {@code .tar.gz}, if it is a valid {@link Version}
 *       ({@code app-1.0.0-v1.2.3.tar.gz} is {@code app}, {@code 1.0.0-v1.2.3});</li>
 *   <li>otherwise the part after the last {@code -} whose rest is a valid {@link Version}, which starts
 *       with a core that may have a {@code v} and leading zeros ({@code app-v1.0.0.tar.gz},
 *       {@code app-2019.01.05.tar.gz}).</li>
 * </ol>
 * The name is everything before that {@code -}: one or more of {@code A-Z a-z 0-9 . _ + -}, not
 * starting with {@code .} or {@code -} (so {@code -1.0.0.tar.gz}, with an empty name, is invalid). The
 * whole file name is at most {@value #MAX_LENGTH} bytes and contains no {@code ..}. Anything else
 * (slashes, backslashes, control characters, spaces, {@code %}, non-ASCII) is invalid.
 *
 * <p>Natural order is by name, then version precedence, then file name, so it is total and
 * consistent with {@code equals}.
 */
public final class PackageFile implements Comparable<PackageFile> {

  /** The only accepted file extension. */
  public static final String EXTENSION = ".tar.gz";
  /** The longest accepted file name, in bytes (file names are ASCII, so also in chars). */
  public static final int MAX_LENGTH = 255;

  private final String fileName;
  private final String name;
  private final Version version;

  private PackageFile(String fileName, String name, Version version) {
    this.fileName = fileName;
    this.name = name;
    this.version = version;
  }

  /**
   * Parses a package file name.
   *
   * @param fileName the file name, already percent-decoded by the caller
   * @return the package file, or empty when {@code fileName} is null or not a valid package file name
   */
  public static Optional<PackageFile> parse(String fileName) {
    if (fileName == null
        || fileName.length() > MAX_LENGTH
        || !fileName.endsWith(EXTENSION)
        || !hasOnlySafeCharacters(fileName)
        // a project decision: never anything that looks like a path traversal
        || fileName.contains("..")) {
      return Optional.empty();
    }
    String stem = fileName.substring(0, fileName.length() - EXTENSION.length());
    Optional<PackageFile> strict = splitAt(fileName, stem, lastStrictCoreStart(stem));
    if (strict.isPresent()) {
      return strict;
    }
    for (int i = stem.length() - 1; i > 1; i--) {
      if (stem.charAt(i - 1) == '-' && (stem.charAt(i) == 'v' || isDigit(stem.charAt(i)))) {
        Optional<PackageFile> file = splitAt(fileName, stem, i);
        if (file.isPresent()) {
          return file;
        }
      }
    }
    return Optional.empty();
  }

  /** The package file whose version starts at {@code versionStart} of {@code stem}, if that is a valid version. */
  private static Optional<PackageFile> splitAt(String fileName, String stem, int versionStart) {
    if (versionStart < 0) {
      return Optional.empty();
    }
    return Version.parse(stem.substring(versionStart))
        .map(v -> new PackageFile(fileName, stem.substring(0, versionStart - 1), v));
  }

  /** Whether {@code fileName} is a valid package file name; see {@link #parse}. */
  public static boolean isValid(String fileName) {
    return parse(fileName).isPresent();
  }

  /**
   * Index of the last part after a {@code -} that starts with a strict version core, or -1. Part 0 is never a
   * candidate: a version there would leave the name empty.
   */
  private static int lastStrictCoreStart(String stem) {
    for (int i = stem.length() - 1; i > 1; i--) {
      if (stem.charAt(i - 1) == '-' && Version.startsWithStrictCore(stem, i)) {
        return i;
      }
    }
    return -1;
  }

  /** Whether {@code name} may be the name part of a package file: the characters and length the file name allows. */
  public static boolean isValidName(String name) {
    return name != null && name.length() <= MAX_LENGTH && hasOnlySafeCharacters(name);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** ASCII {@code A-Z a-z 0-9 . _ + -} only, and not starting with {@code .} or {@code -}. */
  private static boolean hasOnlySafeCharacters(String s) {
    if (s.isEmpty() || s.charAt(0) == '.' || s.charAt(0) == '-') {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '+' || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** The file name, e.g. {@code app-1.0.0.tar.gz}. */
  public String fileName() {
    return fileName;
  }

  /** The package name, e.g. {@code app}. */
  public String name() {
    return name;
  }

  /** The package version, e.g. {@code 1.0.0}. */
  public Version version() {
    return version;
  }

  /** The file name without {@value #EXTENSION}, e.g. {@code app-1.0.0}. */
  public String id() {
    return fileName.substring(0, fileName.length() - EXTENSION.length());
  }

  /** By name (String order), then version precedence, then file name. */
  @Override
  public int compareTo(PackageFile o) {
    int c = name.compareTo(o.name);
    if (c == 0) {
      c = version.compareTo(o.version);
    }
    return c != 0 ? c : fileName.compareTo(o.fileName);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PackageFile p && fileName.equals(p.fileName);
  }

  @Override
  public int hashCode() {
    return fileName.hashCode();
  }

  @Override
  public String toString() {
    return fileName;
  }
}
