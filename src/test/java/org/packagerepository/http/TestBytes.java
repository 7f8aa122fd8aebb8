package org.packagerepository.http;

import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;

/** Payloads and their checksums. */
public final class TestBytes {

  private TestBytes() {
  }

  /** Random bytes, the same for the same seed. */
  public static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /** {@code first} followed by {@code second}. */
  public static byte[] concat(byte[] first, byte[] second) {
    byte[] all = java.util.Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, all, first.length, second.length);
    return all;
  }

  public static String sha256Hex(byte[] bytes) {
    return HexFormat.of().formatHex(sha256().digest(bytes));
  }

  /** The value of {@code Content-Digest} for these bytes (RFC 9530). */
  public static String contentDigest(byte[] bytes) {
    return "sha-256=:" + Base64.getEncoder().encodeToString(sha256().digest(bytes)) + ":";
  }

  /** SHA-256 of a stream read to its end, and how many bytes it had. */
  public record Hashed(String sha256, long length) {
  }

  public static Hashed sha256Hex(InputStream in) throws IOException {
    MessageDigest digest = sha256();
    long length = 0;
    try (InputStream stream = new DigestInputStream(in, digest)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n = stream.read(buffer); n >= 0; n = stream.read(buffer)) {
        length += n;
      }
    }
    return new Hashed(HexFormat.of().formatHex(digest.digest()), length);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
