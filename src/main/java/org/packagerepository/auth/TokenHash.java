package org.packagerepository.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * How a user's secret is kept: never in clear, only as {@code sha256:<hex>} of the token. Tokens are random (see
 * {@link #newToken()}), so a fast hash is enough: nothing can be guessed from it, and checking a request costs
 * microseconds, which matters with hundreds of hosts downloading at once.
 */
public final class TokenHash {

  private static final String PREFIX = "sha256:";
  private static final SecureRandom RANDOM = new SecureRandom();

  private TokenHash() {
  }

  /** The SHA-256 of {@code token}'s UTF-8 bytes. */
  static byte[] of(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /** What to put in the configuration for {@code token}: {@code sha256:<hex>}. */
  public static String format(String token) {
    return PREFIX + HexFormat.of().formatHex(of(token));
  }

  /** The hash in {@code sha256:<64 hex digits>}, or null when it is not that form. */
  static byte[] parse(String formatted) {
    if (formatted == null || !formatted.startsWith(PREFIX) || formatted.length() != PREFIX.length() + 64) {
      return null;
    }
    try {
      return HexFormat.of().parseHex(formatted.substring(PREFIX.length()).toLowerCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** A new random token: 32 bytes, URL-safe Base64 without padding (43 characters). */
  public static String newToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Compares two hashes in time independent of where they differ. */
  static boolean equal(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b);
  }
}
