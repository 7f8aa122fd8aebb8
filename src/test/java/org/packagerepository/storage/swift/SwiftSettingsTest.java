package org.packagerepository.storage.swift;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.packagerepository.config.ConfigException;
import org.packagerepository.storage.remote.RedirectSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SwiftSettingsTest {

  private static JsonObject section(JsonObject access) {
    return new JsonObject().put("access", access)
      .put("container", new JsonObject().put("container", "apps").put("path", "/releases/"));
  }

  private static JsonObject openrc(String authUrl) {
    return new JsonObject().put("account", "project").put("user", "deployer").put("key", "secret")
      .put("auth_url", authUrl);
  }

  @Test
  void anOpenrcForKeystoneV3() {
    SwiftSettings s = SwiftSettings.fromJson(section(openrc("https://keystone.example:5000/v3")
      .put("user_domain_name", "ldap").put("region_name", "RegionTwo").put("interface", "internalURL")));
    assertEquals(3, s.authVersion());
    assertEquals("ldap", s.userDomain());
    assertEquals("Default", s.projectDomain());
    assertEquals("RegionTwo", s.region());
    assertEquals("internal", s.endpointInterface());
    assertEquals("apps", s.container());
    assertEquals("releases", s.prefix());
    assertEquals(SwiftSettings.DEFAULT_SEGMENT_SIZE, s.segmentSize());
    assertEquals(10_000, s.pageSize());
    assertEquals(60_000, s.timeoutMs());
    assertEquals(86_400_000, s.orphanAgeMillis());
    assertEquals("releases/", s.namePrefix());
    assertEquals("apps_segments", s.segmentContainer());
    assertTrue(s.segmentSize() < 5L * 1024 * 1024 * 1024, "just under Swift's 5 GiB");
  }

  @Test
  void theVersionComesFromAuthVersionElseFromTheUrlElseIsThree() {
    assertEquals(2, SwiftSettings.fromJson(section(openrc("https://keystone.example/v2.0"))).authVersion());
    assertEquals(1, SwiftSettings.fromJson(section(openrc("http://127.0.0.1:8080/auth/v1.0"))).authVersion());
    assertEquals(3, SwiftSettings.fromJson(section(openrc("https://keystone.example/identity"))).authVersion());
    assertEquals(1, SwiftSettings.fromJson(section(openrc("https://keystone.example/v3").put("auth_version", "1.0")))
      .authVersion());
    assertEquals(2, SwiftSettings.fromJson(section(openrc("https://keystone.example/").put("auth_version", "2")))
      .authVersion());
  }

  @Test
  void aV1UserIsAccountColonUserWhenAnAccountIsSet() {
    assertEquals("project:deployer", SwiftSettings.fromJson(section(openrc("http://h/auth/v1.0"))).v1User());
    assertEquals("test:tester", SwiftSettings.fromJson(section(openrc("http://h/auth/v1.0").put("account", "")
      .put("user", "test:tester"))).v1User());
  }

  @Test
  void badValuesNameTheirSetting() {
    assertMessage("SwiftRepository.access.auth_url", section(openrc("")));
    assertMessage("SwiftRepository.access.auth_url", section(openrc("keystone:5000/v3")));
    assertMessage("SwiftRepository.access.key", section(openrc("https://k/v3").put("key", "")));
    assertMessage("SwiftRepository.access.auth_version", section(openrc("https://k/v3").put("auth_version", "4")));
    assertMessage("SwiftRepository.access.interface", section(openrc("https://k/v3").put("interface", "private")));
    JsonObject noContainer = section(openrc("https://k/v3"));
    noContainer.getJsonObject("container").put("container", "");
    assertMessage("SwiftRepository.container.container", noContainer);
    JsonObject tinySegments = section(openrc("https://k/v3"));
    tinySegments.getJsonObject("container").put("segment_size", 1000);
    assertMessage("SwiftRepository.container.segment_size", tinySegments);
    JsonObject hugePages = section(openrc("https://k/v3"));
    hugePages.getJsonObject("container").put("page_size", 10_001);
    assertMessage("SwiftRepository.container.page_size", hugePages);
    assertMessage("SwiftRepository.access.timeout", section(openrc("https://k/v3").put("timeout", 0)));
    JsonObject negativeAge = section(openrc("https://k/v3"));
    negativeAge.getJsonObject("container").put("orphan_segment_age", -1);
    assertMessage("SwiftRepository.container.orphan_segment_age", negativeAge);
  }

  @Test
  void redirectNeedsTheTempUrlKey() {
    SwiftSettings off = SwiftSettings.fromJson(section(openrc("https://k/v3")));
    assertEquals(-1, off.redirect().threshold());
    assertEquals("", off.tempUrlKey());

    SwiftSettings on = SwiftSettings.fromJson(section(openrc("https://k/v3")).put("redirect", new JsonObject()
      .put("enabled", true).put("above_active_downloads", 8).put("temp_url_key", " k3y ")));
    assertEquals(8, new SwiftBackend().redirectAbove(new SwiftBackend.Configured(on, null)));
    assertEquals(RedirectSettings.DEFAULT_EXPIRES_SECONDS, on.redirect().expiresSeconds());
    assertEquals("k3y", on.tempUrlKey());

    assertMessage("SwiftRepository.redirect.temp_url_key", section(openrc("https://k/v3"))
      .put("redirect", new JsonObject().put("enabled", true)));
    assertMessage("SwiftRepository.redirect.expires_seconds", section(openrc("https://k/v3"))
      .put("redirect", new JsonObject().put("enabled", true).put("temp_url_key", "k").put("expires_seconds", "soon")));
    assertEquals("redirect.temp_url_key", new SwiftBackend().environment().get("PR_SWIFT_TEMP_URL_KEY"));
  }

  private static void assertMessage(String expected, JsonObject section) {
    ConfigException e = assertThrows(ConfigException.class, () -> SwiftSettings.fromJson(section));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
