package org.packagerepository.storage.s3;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.packagerepository.config.ConfigException;
import org.packagerepository.storage.remote.RedirectSettings;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class S3SettingsTest {

  private static JsonObject section(JsonObject access, JsonObject container) {
    return new JsonObject().put("access", access).put("container", container);
  }

  @Test
  void theOriginalsSectionOnAws() {
    S3Settings s = S3Settings.fromJson(section(
      new JsonObject().put("region", "eu-west-1").put("access_key", "AKIA").put("secret_access_key", "secret"),
      new JsonObject().put("bucket", "apps").put("path", "/releases/prod/")));
    assertEquals("eu-west-1", s.region());
    assertNull(s.endpoint());
    assertFalse(s.pathStyle(), "virtual-hosted style on AWS");
    assertEquals("releases/prod", s.prefix());
    assertEquals("releases/prod/app-1.0.tar.gz", s.key("app-1.0.tar.gz"));
    assertEquals("releases/prod/", s.listPrefix());
    assertEquals("releases/prod/.checksums/app-1.0.tar.gz/x", s.checksumKey("app-1.0.tar.gz", "x"));
    assertEquals(S3Settings.DEFAULT_PART_SIZE, s.partSize());
    assertEquals(86_400_000L, s.orphanAgeMillis(), "a day");
  }

  @Test
  void anS3CompatibleStoreWithTheDefaultCredentialChain() {
    S3Settings s = S3Settings.fromJson(section(
      new JsonObject().put("region", "").put("access_key", "").put("secret_access_key", "").put("endpoint", "http://minio:9000"),
      new JsonObject().put("bucket", "apps").put("path", "")));
    assertEquals(S3Settings.DEFAULT_REGION, s.region(), "a region is always set");
    assertEquals(URI.create("http://minio:9000"), s.endpoint());
    assertTrue(s.pathStyle(), "path style by default with an endpoint");
    assertEquals("", s.accessKey());
    assertEquals("app-1.0.tar.gz", s.key("app-1.0.tar.gz"));
    assertEquals("", s.listPrefix());
  }

  private static final int MIB5 = 5 * 1024 * 1024;

  @Test
  void badValuesNameTheirSetting() {
    JsonObject container = new JsonObject().put("bucket", "apps");
    assertMessage("S3Repository.container.bucket", section(new JsonObject(), new JsonObject().put("bucket", " ")));
    assertMessage("access_key and secret_access_key",
      section(new JsonObject().put("access_key", "AKIA"), container));
    assertMessage("S3Repository.access.endpoint", section(new JsonObject().put("endpoint", "minio:9000"), container));
    assertMessage("S3Repository.container.part_size",
      section(new JsonObject(), container.copy().put("part_size", 1024)));
    assertEquals(MIB5, S3Settings.fromJson(section(new JsonObject(),
      container.copy().put("part_size", "5242880"))).partSize(), "from the environment");
    assertMessage("S3Repository.container.orphan_upload_age",
      section(new JsonObject(), container.copy().put("orphan_upload_age", -1)));
    // copy_part_size is no longer used (packages are never copied); a configuration that still has it starts
    assertEquals(MIB5, S3Settings.fromJson(section(new JsonObject(),
      container.copy().put("part_size", MIB5).put("copy_part_size", 1))).partSize());
  }

  @Test
  void redirectIsOffByDefaultAndParsedOnce() {
    JsonObject container = new JsonObject().put("bucket", "apps");
    S3Settings off = S3Settings.fromJson(section(new JsonObject(), container));
    assertEquals(RedirectSettings.OFF, off.redirect());
    assertEquals(-1, off.redirect().threshold());
    assertEquals(-1, new S3Backend().redirectAbove(new S3Backend.Configured(off, null)));

    S3Settings on = S3Settings.fromJson(section(new JsonObject(), container).put("redirect", new JsonObject()
      .put("enabled", "true").put("expires_seconds", "600").put("above_active_downloads", 50)));
    assertEquals(new RedirectSettings(true, 600, 50), on.redirect());
    assertEquals(50, new S3Backend().redirectAbove(new S3Backend.Configured(on, null)));
    assertEquals(0, S3Settings.fromJson(section(new JsonObject(), container).put("redirect",
      new JsonObject().put("enabled", true))).redirect().threshold(), "every download by default");

    assertMessage("S3Repository.redirect.expires_seconds", section(new JsonObject(), container)
      .put("redirect", new JsonObject().put("enabled", true).put("expires_seconds", 0)));
    assertMessage("S3Repository.redirect.expires_seconds", section(new JsonObject(), container)
      .put("redirect", new JsonObject().put("expires_seconds", 604_801)));
    assertMessage("S3Repository.redirect.above_active_downloads", section(new JsonObject(), container)
      .put("redirect", new JsonObject().put("above_active_downloads", -1)));
    assertMessage("S3Repository.redirect.enabled", section(new JsonObject(), container)
      .put("redirect", new JsonObject().put("enabled", "sometimes")));
  }

  private static void assertMessage(String expected, JsonObject section) {
    ConfigException e = assertThrows(ConfigException.class, () -> S3Settings.fromJson(section));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
