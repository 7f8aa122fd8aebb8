package org.packagerepository.auth;

import java.util.Locale;

/** What a user may do with packages: read (GET, HEAD, listing, counters), write (PUT), delete (DELETE). */
public enum Permission {
  READ, WRITE, DELETE;

  /** {@code "read"}, {@code "write"} or {@code "delete"}; null for anything else. */
  static Permission named(String name) {
    for (Permission permission : values()) {
      if (permission.name().toLowerCase(Locale.ROOT).equals(name)) {
        return permission;
      }
    }
    return null;
  }
}
