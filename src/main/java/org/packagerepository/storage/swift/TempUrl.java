package org.packagerepository.storage.swift;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * Swift's TempURLs (the {@code tempurl} middleware): a GET of one object that works without a token until it expires,
 * signed with the account's (or the container's) {@code Temp-URL-Key}. The signature is the hex HMAC-SHA256 of
 * {@code GET\n<expires>\n<path>}, where the path is the object's, decoded, as Swift sees it:
 * {@code /v1/<account>/<container>/<object>}. SHA-256 is among the digests the middleware accepts by default since
 * Swift 2.23 ({@code allowed_digests = sha1 sha256 sha512}; SHA-1 is deprecated there).
 */
final class TempUrl {

  private final SecretKeySpec key;

  TempUrl(String tempUrlKey) {
    this.key = new SecretKeySpec(tempUrlKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
  }

  /**
   * @param objectUrl      the object's URL: the storage URL and the object's encoded path
   * @param expiresEpochSeconds when it stops working, in seconds since the epoch
   */
  String sign(String objectUrl, long expiresEpochSeconds) {
    String path = URI.create(objectUrl).getPath();
    // Behind a proxy that adds a prefix to Swift's paths, Swift itself still sees /v1/...: that is what it checks.
    int version = path.indexOf("/v1/");
    if (version > 0) {
      path = path.substring(version);
    }
    String signature;
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      signature = HexFormat.of().formatHex(mac.doFinal(("GET\n" + expiresEpochSeconds + "\n" + path)
        .getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
    return objectUrl + (objectUrl.contains("?") ? "&" : "?") + "temp_url_sig=" + signature
      + "&temp_url_expires=" + expiresEpochSeconds;
  }
}
