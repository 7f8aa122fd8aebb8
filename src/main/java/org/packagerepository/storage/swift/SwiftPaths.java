package org.packagerepository.storage.swift;

import java.nio.charset.StandardCharsets;

/** Where things are in the account, as encoded request paths and query values. */
final class SwiftPaths {

  private static final String UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

  private final SwiftSettings settings;

  SwiftPaths(SwiftSettings settings) {
    this.settings = settings;
  }

  /** {@code /<container>} */
  String container() {
    return "/" + encode(settings.container(), false);
  }

  /** The segment container's name, unencoded. */
  String segmentContainerName() {
    return settings.segmentContainer();
  }

  /** {@code /<container>_segments} */
  String segmentContainer() {
    return "/" + encode(settings.segmentContainer(), false);
  }

  /** The object name of a package: the configured path, a slash, the file name. */
  String name(String file) {
    return settings.namePrefix() + file;
  }

  /** {@code /<container>/<path>/<file>} */
  String object(String file) {
    return container() + "/" + encode(name(file), true);
  }

  /**
   * {@code /<container>/<path>/.state/<name>.json}: where the server keeps its state object {@code name}, below the
   * path, so that the listing (asked with the delimiter {@code /}) never shows it, and never a package name.
   */
  String stateObject(String name) {
    return container() + "/" + encode(settings.namePrefix() + ".state/" + name + ".json", true);
  }

  /** The name of segment {@code index} of upload {@code upload} of {@code file}, in the segment container. */
  String segmentName(String file, String upload, int index) {
    return name(file) + "/" + upload + "/" + String.format("%08d", index);
  }

  /** A container-relative name as a path, e.g. {@code /<container>_segments/<name>}. */
  static String path(String containerPath, String name) {
    return containerPath + "/" + encode(name, true);
  }

  /** A query parameter: {@code &key=value}. */
  static String query(String key, String value) {
    return "&" + key + "=" + encode(value, false);
  }

  /** Percent-encodes all but unreserved characters (and slashes, when {@code keepSlashes}). */
  static String encode(String value, boolean keepSlashes) {
    StringBuilder out = new StringBuilder(value.length() + 16);
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (c < 128 && UNRESERVED.indexOf(c) >= 0 || keepSlashes && c == '/') {
        out.append(c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
          .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
