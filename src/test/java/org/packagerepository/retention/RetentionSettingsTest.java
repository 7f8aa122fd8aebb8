package org.packagerepository.retention;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.packagerepository.RepositoryConfig;
import org.packagerepository.config.ConfigException;
import org.packagerepository.config.EnvironmentOverrides;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** config.retention: off unless configured, every value checked at startup, environment overrides. */
class RetentionSettingsTest {

  private static RetentionSettings parse(String group) {
    return RepositoryConfig.from(new JsonObject().put("config", new JsonObject()
      .put("retention", new JsonObject(group)))).retention();
  }

  private static String refusal(String group) {
    return assertThrows(ConfigException.class, () -> parse(group)).getMessage();
  }

  @Test
  void withoutARetentionGroupRetentionIsOff() {
    assertNull(RepositoryConfig.from(new JsonObject()).retention());
    assertNull(RepositoryConfig.from(new JsonObject().put("config", new JsonObject())).retention());
  }

  @Test
  void aFullGroupIsReadAsWritten() {
    RetentionSettings settings = parse("{\"keep_last\": 3, \"keep_days\": 30, \"keep_downloaded_days\": 0.5, "
      + "\"interval\": 3600}");
    assertEquals(new RetentionSettings(3, 30.0, 0.5, 3600), settings);
    assertEquals(30L * 86_400_000, settings.keepMillis());
    assertEquals(43_200_000L, settings.keepDownloadedMillis());
  }

  @Test
  void onlyKeepLastIsRequired() {
    RetentionSettings settings = parse("{\"keep_last\": 1}");
    assertEquals(new RetentionSettings(1, null, null, 0), settings);
    assertEquals(-1, settings.keepMillis());
    assertEquals(-1, settings.keepDownloadedMillis());
  }

  @Test
  void withoutKeepLastTheServerDoesNotStart() {
    assertTrue(refusal("{\"keep_days\": 30}").contains("config.retention.keep_last is missing"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "1.5", "\"three\"", "true"})
  void keepLastMustBeAWholeNumberOfAtLeastOne(String value) {
    assertTrue(refusal("{\"keep_last\": " + value + "}").startsWith("config.retention.keep_last is"), value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-3", "\"soon\"", "true", "36501", "[1]"})
  void daysMustBePositiveNumbers(String value) {
    for (String key : new String[] {"keep_days", "keep_downloaded_days"}) {
      assertTrue(refusal("{\"keep_last\": 2, \"" + key + "\": " + value + "}")
        .startsWith("config.retention." + key + " is"), key + " " + value);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-60", "\"hourly\"", "2592001"})
  void theIntervalIsSecondsOfOneOrMore(String value) {
    assertTrue(refusal("{\"keep_last\": 2, \"interval\": " + value + "}").startsWith("config.retention.interval is"),
      value);
  }

  @Test
  void aMisspeltKeyStopsTheServerInsteadOfDeletingMoreThanMeant() {
    assertTrue(refusal("{\"keep_last\": 2, \"keep_day\": 30}").contains("unknown keys [keep_day]"));
  }

  @Test
  void aGroupThatIsNotAnObjectIsRefused() {
    ConfigException e = assertThrows(ConfigException.class, () -> RepositoryConfig.from(new JsonObject()
      .put("config", new JsonObject().put("retention", 3))));
    assertTrue(e.getMessage().startsWith("config.retention must be a JSON object"), e.getMessage());
  }

  @Test
  void environmentVariablesOverrideTheGroupAsStrings() {
    JsonObject overrides = EnvironmentOverrides.from(Map.of("PR_RETENTION_KEEP_LAST", "4",
      "PR_RETENTION_KEEP_DAYS", "7.5", "PR_RETENTION_KEEP_DOWNLOADED_DAYS", "3", "PR_RETENTION_INTERVAL", "600"),
      RepositoryConfig.environmentVariables());
    assertEquals(new RetentionSettings(4, 7.5, 3.0, 600), RepositoryConfig.from(overrides).retention());
  }

  @Test
  void daysAreShownAsAnOperatorWritesThem() {
    assertEquals("30", RetentionSettings.days(30.0));
    assertEquals("0.5", RetentionSettings.days(0.5));
  }
}
