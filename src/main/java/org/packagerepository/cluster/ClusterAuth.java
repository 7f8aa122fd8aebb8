package org.packagerepository.cluster;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The cluster secret on traffic between members, without sending the secret itself: each message or request carries
 * an HMAC-SHA256, under the secret, of what it says. Thread-safe.
 */
public final class ClusterAuth {

  /** The header (HTTP and event bus) that carries the HMAC. */
  public static final String HEADER = "X-PR-Cluster-Auth";

  private final SecretKeySpec key;

  public ClusterAuth(String secret) {
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
  }

  /** The HMAC of {@code text}, in hex. */
  public String sign(String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether {@code signature} is {@code text}'s, compared in constant time. */
  public boolean verify(String text, String signature) {
    return signature != null && MessageDigest.isEqual(sign(text).getBytes(StandardCharsets.US_ASCII),
      signature.getBytes(StandardCharsets.US_ASCII));
  }
}
