package org.packagerepository.http;

import org.junit.jupiter.api.Test;
import org.packagerepository.config.ConfigException;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrustedProxiesTest {

  private final TrustedProxies proxies = TrustedProxies.parse(List.of("10.0.0.5", "10.1.0.0/16", "fd00::/8"));

  @Test
  void addressesAndBlocksOfBothFamiliesAreTrusted() {
    assertTrue(proxies.trusts("10.0.0.5"));
    assertFalse(proxies.trusts("10.0.0.6"));
    assertTrue(proxies.trusts("10.1.255.7"));
    assertFalse(proxies.trusts("10.2.0.1"));
    assertTrue(proxies.trusts("fd12::1"));
    assertTrue(proxies.trusts("[fd12::1]"));
    assertFalse(proxies.trusts("fe80::1"));
  }

  @Test
  void namesAreNeverLookedUpNorTrusted() {
    // Strings a resolver would be asked about: refused as they are, on the event loop, without any lookup.
    for (String name : List.of("localhost", "example.com", ".:a", "%:1", "10.0.0.5.example", "999.1.1.1", "")) {
      assertFalse(proxies.trusts(name), name);
      assertThrows(ConfigException.class, () -> TrustedProxies.parse(List.of(name)), name);
    }
    assertThrows(ConfigException.class, () -> TrustedProxies.parse(List.of("10.0.0.0/33")));
  }

  @Test
  void theClientIsTheNearestAddressThatIsNotATrustedProxy() {
    assertEquals("192.0.2.1", proxies.client("10.0.0.5", "192.0.2.1"));
    assertEquals("192.0.2.1", proxies.client("10.0.0.5", "198.51.100.9, 192.0.2.1, 10.1.0.3"));
    assertEquals("192.0.2.7", proxies.client("192.0.2.7", "198.51.100.9"), "from an untrusted peer: the peer");
    assertEquals("10.0.0.5", proxies.client("10.0.0.5", null));
  }
}
