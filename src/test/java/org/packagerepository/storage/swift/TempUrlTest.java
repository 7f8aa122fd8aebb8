package org.packagerepository.storage.swift;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TempUrlTest {

  /**
   * The signature Swift 2.30's own {@code swift.common.digest.get_hmac('GET', path, 1700000000, 'mykey',
   * digest='sha256')} gives for the decoded path: the object name is encoded in the URL, not in what is signed.
   */
  @Test
  void signsTheDecodedPathFromV1OnAsSwiftChecksIt() {
    TempUrl tempUrl = new TempUrl("mykey");
    String expected = "temp_url_sig=" + SIGNATURE + "&temp_url_expires=1700000000";

    assertEquals("https://swift.example/v1/AUTH_test/apps/releases/app-1.0.0%2Bb.tar.gz?" + expected,
      tempUrl.sign("https://swift.example/v1/AUTH_test/apps/releases/app-1.0.0%2Bb.tar.gz", 1_700_000_000L));
    // Behind a proxy with a prefix of its own, Swift still sees (and checks) /v1/...
    assertEquals("https://gw.example/object-store/v1/AUTH_test/apps/releases/app-1.0.0%2Bb.tar.gz?" + expected,
      tempUrl.sign("https://gw.example/object-store/v1/AUTH_test/apps/releases/app-1.0.0%2Bb.tar.gz", 1_700_000_000L));
  }

  private static final String SIGNATURE = "c286e8b5d236f383779a8dff3b9b115f63bc168c2b338d921f4411ac0e487c7c";
}
