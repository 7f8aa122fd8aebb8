package org.packagerepository.storage.cache;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.packagerepository.config.ConfigException;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CacheSettingsTest {

  private static CacheSettings of(JsonObject cache) {
    return CacheSettings.fromJson(new JsonObject().put("cache", cache), "S3Repository", "s3");
  }

  @Test
  void defaultsAreOnTenGibibytesUnderDataAndOneSecond() {
    CacheSettings settings = CacheSettings.fromJson(new JsonObject(), "S3Repository", "s3");
    assertEquals(new CacheSettings(true, Path.of("data/cache/s3"), 10L << 30, TimeUnit.SECONDS.toNanos(1)), settings);
  }

  @Test
  void valuesMayComeAsNumbersOrStrings() {
    CacheSettings settings = of(new JsonObject().put("enabled", "false").put("path", "/var/cache/pr")
      .put("max_size", "2097152").put("revalidate_after", 30));
    assertEquals(new CacheSettings(false, Path.of("/var/cache/pr"), 2L << 20, TimeUnit.SECONDS.toNanos(30)), settings);
    assertEquals(0, of(new JsonObject().put("revalidate_after", "0")).revalidateNanos());
  }

  @Test
  void badValuesNameTheSetting() {
    ConfigException negative = assertThrows(ConfigException.class,
      () -> of(new JsonObject().put("revalidate_after", -1)));
    assertTrue(negative.getMessage().contains("S3Repository.cache.revalidate_after"), negative.getMessage());
    ConfigException word = assertThrows(ConfigException.class,
      () -> of(new JsonObject().put("revalidate_after", "soon")));
    assertTrue(word.getMessage().contains("S3Repository.cache.revalidate_after"), word.getMessage());
    ConfigException small = assertThrows(ConfigException.class, () -> of(new JsonObject().put("max_size", 1000)));
    assertTrue(small.getMessage().contains("S3Repository.cache.max_size"), small.getMessage());
  }
}
