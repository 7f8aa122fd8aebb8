package org.packagerepository;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.packagerepository.config.ConfigException;
import org.packagerepository.config.EnvironmentOverrides;
import org.packagerepository.storage.fs.FsSettings;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** pr-config.json as the original ships it, the choice of backend, environment overrides and loading errors. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RepositoryConfigTest {

  /** A file in the original's format with the file system filled in, the two other sections empty. */
  private static final String ORIGINAL = """
    {
      "SwiftRepository": {
        "access": {"account": "", "user": "", "key": "", "auth_url": ""},
        "container": {"container": "", "path": ""}
      },
      "S3Repository": {
        "access": {"region": "", "access_key": "", "secret_access_key": ""},
        "container": {"bucket": "", "path": ""}
      },
      "FsRepository": {
        "location": {"path": "/opt/packages"}
      },
      "config": {
        "log_level": "INFO",
        "package_callback": "",
        "port": 8888
      }
    }
    """;

  private Vertx vertx;

  @BeforeEach
  void createVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void closeVertx() throws Exception {
    resultOf(vertx.close());
  }

  private static JsonObject original() {
    return new JsonObject(ORIGINAL);
  }

  private static JsonObject s3Filled() {
    return new JsonObject().put("access", new JsonObject().put("region", "eu-west-1").put("access_key", "AKIA")
      .put("secret_access_key", "secret")).put("container", new JsonObject().put("bucket", "apps").put("path", "releases"));
  }

  private static JsonObject swiftFilled() {
    return new JsonObject().put("access", new JsonObject().put("account", "project").put("user", "me").put("key", "pw")
      .put("auth_url", "https://keystone.example/v3")).put("container", new JsonObject().put("container", "apps"));
  }

  /** The file system under data/packages of the working directory, as the backend fills in the default. */
  private static void assertUsesDataPackages(RepositoryConfig config) {
    assertEquals("fs", config.backend());
    FsSettings settings = (FsSettings) config.storage().settings(config.backendSection());
    assertEquals(Path.of("data", "packages").toAbsolutePath().normalize(), settings.root());
  }

  /** The failure of a future, waited for. */
  private static Throwable failureOf(io.vertx.core.Future<?> future) throws Exception {
    ExecutionException e = assertThrows(ExecutionException.class,
      () -> future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS));
    return e.getCause();
  }

  private static <T> T resultOf(io.vertx.core.Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Choosing the backend

  @Test
  void theOriginalsFileChoosesTheFileSystem() {
    RepositoryConfig config = RepositoryConfig.from(original());

    assertEquals("fs", config.backend());
    assertEquals("FsRepository", config.backendSectionName());
    assertEquals("/opt/packages", config.backendSection().getJsonObject("location").getString("path"));
    assertEquals(8888, config.port());
    assertEquals("INFO", config.logLevel());
    assertEquals("", config.packageCallback());
    assertTrue(config.allowOverwrite(), "overwriting is the original's behaviour");
  }

  @Test
  void withNoSectionFilledInTheFileSystemUnderDataPackagesIsUsed() {
    JsonObject json = original();
    json.getJsonObject("FsRepository").getJsonObject("location").put("path", "");

    RepositoryConfig config = RepositoryConfig.from(json);

    assertEquals("fs", config.backend());
    assertUsesDataPackages(config);
  }

  @Test
  void anEmptyFileMeansTheDefaults() {
    RepositoryConfig config = RepositoryConfig.from(new JsonObject());

    assertEquals("fs", config.backend());
    assertUsesDataPackages(config);
    assertEquals(8888, config.port());
  }

  @Test
  void aCallbackMustBeAnHttpUrlAndAuthMustBeValidAtStartUp() {
    for (String bad : new String[] {"deploys.example/hook", "ftp://deploys.example/hook", "http://"}) {
      JsonObject json = original();
      json.getJsonObject("config").put("package_callback", bad);
      ConfigException e = assertThrows(ConfigException.class, () -> RepositoryConfig.from(json));
      assertTrue(e.getMessage().contains("config.package_callback"), e.getMessage());
    }
    JsonObject good = original();
    good.getJsonObject("config").put("package_callback", "https://deploys.example:8443/hooks?team=a");
    assertEquals("https://deploys.example:8443/hooks?team=a", RepositoryConfig.from(good).packageCallback());

    JsonObject clearToken = original();
    clearToken.getJsonObject("config").put("auth", new JsonObject().put("users", new JsonObject()
      .put("ci", new JsonObject().put("token", "secret").put("permissions", new io.vertx.core.json.JsonArray()
        .add("read")))));
    ConfigException e = assertThrows(ConfigException.class, () -> RepositoryConfig.from(clearToken));
    assertTrue(e.getMessage().contains("config.auth.users.ci.token"), e.getMessage());
    assertEquals(null, RepositoryConfig.from(original()).auth(), "off unless configured");
  }

  /** The original's file exactly as it ships: every access value and the path empty, the container values filled in. */
  static JsonObject shipped() {
    try (InputStream in = RepositoryConfigTest.class.getResourceAsStream("/original/pr-config.json")) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void theShippedFileUnchangedChoosesTheFileSystemUnderDataPackages() {
    RepositoryConfig config = RepositoryConfig.from(shipped());

    assertEquals("fs", config.backend());
    assertUsesDataPackages(config);
    assertEquals("DEBUG", config.logLevel());
  }

  @Test
  void theShippedFileWithTheS3AccessFilledInChoosesS3WithTheShippedBucketAndPath() {
    JsonObject json = shipped();
    json.getJsonObject("S3Repository").getJsonObject("access").put("region", "eu-west-1").put("access_key", "AKIA")
      .put("secret_access_key", "secret");

    RepositoryConfig config = RepositoryConfig.from(json);

    assertEquals("s3", config.backend());
    assertEquals(new JsonObject().put("bucket", "apps").put("path", "releases"),
      config.backendSection().getJsonObject("container"));
  }

  @Test
  void theShippedFileWithTheSwiftAccessFilledInChoosesSwiftWithTheShippedContainerAndPath() {
    JsonObject json = shipped();
    json.getJsonObject("SwiftRepository").put("access", swiftFilled().getJsonObject("access"));

    RepositoryConfig config = RepositoryConfig.from(json);

    assertEquals("swift", config.backend());
    assertEquals(new JsonObject().put("container", "apps").put("path", "releases"),
      config.backendSection().getJsonObject("container"));
  }

  @ParameterizedTest(name = "access.{0} alone chooses S3")
  @ValueSource(strings = {"region", "access_key", "secret_access_key", "endpoint"})
  void anyOneAccessValueChoosesItsBackend(String key) {
    JsonObject json = shipped();
    json.getJsonObject("S3Repository").getJsonObject("access").put(key, "x");

    assertEquals("s3", RepositoryConfig.from(json).backend());
  }

  @Test
  void containerValuesAndSettingsOutsideAccessChooseNothing() {
    JsonObject json = shipped();
    json.getJsonObject("S3Repository").getJsonObject("container").put("bucket", "other").put("part_size", 8388608);
    json.getJsonObject("S3Repository").getJsonObject("access").put("path_style", true);
    json.getJsonObject("SwiftRepository").getJsonObject("container").put("container", "other");
    json.getJsonObject("FsRepository").getJsonObject("location").put("fsync", "false");

    assertEquals("fs", RepositoryConfig.from(json).backend());
  }

  @Test
  void theShippedFileWithTwoAccessGroupsFilledInIsAnErrorThatNamesBoth() {
    JsonObject json = shipped();
    json.getJsonObject("S3Repository").getJsonObject("access").put("access_key", "AKIA").put("secret_access_key", "s");
    json.getJsonObject("SwiftRepository").getJsonObject("access").put("auth_url", "https://keystone.example/v3");

    ConfigException e = assertThrows(ConfigException.class, () -> RepositoryConfig.from(json));

    assertTrue(e.getMessage().contains("S3Repository") && e.getMessage().contains("SwiftRepository"), e.getMessage());
    assertFalse(e.getMessage().contains("FsRepository"), e.getMessage());
  }

  @ParameterizedTest(name = "{0} over the shipped file")
  @MethodSource("environments")
  void theEnvironmentOverTheShippedFileChoosesTheSameWay(String backend, Map<String, String> env,
                                                         @TempDir Path dir) throws Exception {
    Path file = dir.resolve("pr-config.json");
    Files.writeString(file, shipped().encodePrettily());

    RepositoryConfig config = resultOf(RepositoryConfig.load(vertx, file, true, env));

    assertEquals(backend, config.backend());
    if (!backend.equals("fs")) {
      assertEquals("releases", config.backendSection().getJsonObject("container").getString("path"));
    }
  }

  static Stream<Arguments> environments() {
    return Stream.of(
      Arguments.of("fs", Map.of()),
      Arguments.of("fs", Map.of("PR_FS_PATH", "/srv/packages")),
      Arguments.of("s3", Map.of("PR_S3_ACCESS_KEY", "AKIA",
        "PR_S3_SECRET_ACCESS_KEY", "secret")),
      Arguments.of("s3", Map.of("PR_S3_ENDPOINT", "http://minio:9000")),
      Arguments.of("swift", Map.of("OS_PROJECT_NAME", "apps", "OS_USERNAME", "me",
        "OS_PASSWORD", "pw", "OS_AUTH_URL", "https://keystone.example/v3")),
      Arguments.of("swift", Map.of("OS_AUTH_URL", "https://keystone.example/v3")),
      Arguments.of("fs", Map.of("PR_S3_BUCKET", "other", "PR_SWIFT_CONTAINER",
        "other", "PR_S3_PATH", "x", "PR_SWIFT_PATH", "y")));
  }

  @Test
  void theEnvironmentFillingInASecondBackendIsAnErrorThatNamesBoth(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("pr-config.json");
    Files.writeString(file, shipped().encodePrettily());

    Throwable failure = failureOf(RepositoryConfig.load(vertx, file, true,
      Map.of("PR_FS_PATH", "/srv/packages", "OS_AUTH_URL", "https://keystone.example/v3")));

    assertInstanceOf(ConfigException.class, failure);
    assertTrue(failure.getMessage().contains("FsRepository") && failure.getMessage().contains("SwiftRepository"),
      failure.getMessage());
  }

  @Test
  void twoSectionsFilledInIsAnErrorThatNamesBoth() {
    JsonObject json = original().put("S3Repository", s3Filled());

    ConfigException e = assertThrows(ConfigException.class, () -> RepositoryConfig.from(json));

    assertTrue(e.getMessage().contains("FsRepository"), e.getMessage());
    assertTrue(e.getMessage().contains("S3Repository"), e.getMessage());
    assertFalse(e.getMessage().contains("SwiftRepository"), e.getMessage());
  }

  @Test
  void threeSectionsFilledInIsAnErrorThatNamesAllThree() {
    JsonObject json = original().put("S3Repository", s3Filled()).put("SwiftRepository", swiftFilled());

    ConfigException e = assertThrows(ConfigException.class, () -> RepositoryConfig.from(json));

    for (String section : new String[] {"FsRepository", "S3Repository", "SwiftRepository"}) {
      assertTrue(e.getMessage().contains(section), e.getMessage());
    }
  }

  @ParameterizedTest(name = "config.backend \"{0}\" picks the file system")
  @ValueSource(strings = {"fs", "FS", " fs "})
  void configBackendPicksOneOfSeveralFilledInSections(String backend) {
    JsonObject json = original().put("S3Repository", s3Filled());
    json.getJsonObject("config").put("backend", backend);

    RepositoryConfig config = RepositoryConfig.from(json);

    assertEquals("fs", config.backend());
    assertEquals("/opt/packages", config.backendSection().getJsonObject("location").getString("path"));
  }

  @Test
  void configBackendCanPickS3OverAFilledInFileSystem() {
    JsonObject json = original().put("S3Repository", s3Filled());
    json.getJsonObject("config").put("backend", "s3");

    RepositoryConfig config = RepositoryConfig.from(json);

    assertEquals("s3", config.backend());
    assertEquals("apps", config.backendSection().getJsonObject("container").getString("bucket"));
  }

  @Test
  void anUnknownConfigBackendIsAnError() {
    JsonObject json = original();
    json.getJsonObject("config").put("backend", "ftp");

    ConfigException e = assertThrows(ConfigException.class, () -> RepositoryConfig.from(json));

    assertTrue(e.getMessage().contains("ftp"), e.getMessage());
  }

  @Test
  void anS3SectionWithoutABucketStopsTheStartNamingTheSetting() throws Exception {
    JsonObject s3 = s3Filled();
    s3.getJsonObject("container").put("bucket", "");
    JsonObject json = original().put("S3Repository", s3);
    json.getJsonObject("FsRepository").getJsonObject("location").put("path", "");
    RepositoryConfig config = RepositoryConfig.from(json);
    assertEquals("s3", config.backend());

    Throwable failure = failureOf(Server.start(vertx, config));

    assertInstanceOf(ConfigException.class, failure);
    assertTrue(failure.getMessage().contains("S3Repository.container.bucket"), failure.getMessage());
    assertTrue(vertx.deploymentIDs().isEmpty(), "nothing stays deployed");
  }

  @Test
  void aSwiftSectionWithABadValueStopsTheStartNamingTheSetting() throws Exception {
    JsonObject swift = swiftFilled();
    swift.getJsonObject("access").put("interface", "private");
    JsonObject json = original().put("SwiftRepository", swift);
    json.getJsonObject("FsRepository").getJsonObject("location").put("path", "");
    RepositoryConfig config = RepositoryConfig.from(json);
    assertEquals("swift", config.backend());

    Throwable failure = failureOf(Server.start(vertx, config));

    assertInstanceOf(ConfigException.class, failure);
    assertTrue(failure.getMessage().contains("SwiftRepository.access.interface"), failure.getMessage());
    assertTrue(vertx.deploymentIDs().isEmpty(), "nothing stays deployed");
  }

  @Test
  void aPackageDirectoryThatCannotBeCreatedStopsTheStartNamingIt(@TempDir Path dir) throws Exception {
    Path notADirectory = dir.resolve("a-file");
    Files.write(notADirectory, new byte[1]);
    JsonObject json = original();
    json.getJsonObject("FsRepository").getJsonObject("location").put("path", notADirectory.toString());
    json.getJsonObject("config").put("port", 0);

    Throwable failure = failureOf(Server.start(vertx, RepositoryConfig.from(json)));

    assertTrue(failure.getMessage().contains(notADirectory.toString()), failure.getMessage());
    assertTrue(vertx.deploymentIDs().isEmpty(), "nothing stays deployed");
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Values

  @ParameterizedTest(name = "config.port {0} is refused")
  @ValueSource(strings = {"abc", "-1", "65536", "8888.5"})
  void aBadPortIsAnErrorThatNamesIt(String port) {
    JsonObject json = original();
    json.getJsonObject("config").put("port", port);

    ConfigException e = assertThrows(ConfigException.class, () -> RepositoryConfig.from(json));

    assertTrue(e.getMessage().contains("config.port"), e.getMessage());
  }

  @Test
  void aBadAllowOverwriteIsAnErrorThatNamesIt() {
    JsonObject json = original();
    json.getJsonObject("config").put("allow_overwrite", "maybe");

    ConfigException e = assertThrows(ConfigException.class, () -> RepositoryConfig.from(json));

    assertTrue(e.getMessage().contains("config.allow_overwrite"), e.getMessage());
  }

  @Test
  void aSectionThatIsNotAnObjectIsAnError() {
    JsonObject json = original().put("S3Repository", "");

    ConfigException e = assertThrows(ConfigException.class, () -> RepositoryConfig.from(json));

    assertTrue(e.getMessage().contains("S3Repository"), e.getMessage());
  }

  @Test
  void withPortReplacesOnlyThePort() {
    RepositoryConfig config = RepositoryConfig.from(original()).withPort(9090);

    assertEquals(9090, config.port());
    assertEquals("/opt/packages", config.backendSection().getJsonObject("location").getString("path"));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Environment

  @Test
  void environmentVariablesBecomeOverridesShapedLikeTheFile() {
    JsonObject overrides = EnvironmentOverrides.from(Map.of(
      "PR_FS_PATH", "/srv/packages",
      "PR_PORT", "9999",
      "OS_PASSWORD", "secret",
      "PR_S3_BUCKET", "",
      "UNRELATED", "x"), RepositoryConfig.environmentVariables());

    assertEquals(new JsonObject()
      .put("FsRepository", new JsonObject().put("location", new JsonObject().put("path", "/srv/packages")))
      .put("config", new JsonObject().put("port", "9999"))
      .put("SwiftRepository", new JsonObject().put("access", new JsonObject().put("key", "secret"))), overrides);
  }

  @Test
  void theEnvironmentOverridesTheFileAndKeepsItsOtherValues(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("pr-config.json");
    JsonObject json = original();
    json.getJsonObject("FsRepository").getJsonObject("location").put("zero_copy", false);
    Files.writeString(file, json.encodePrettily());

    RepositoryConfig config = resultOf(RepositoryConfig.load(vertx, file, true,
      Map.of("PR_FS_PATH", "/srv/packages", "PR_PORT", "9999")));

    assertEquals("fs", config.backend());
    assertEquals(9999, config.port());
    JsonObject location = config.backendSection().getJsonObject("location");
    assertEquals("/srv/packages", location.getString("path"));
    assertEquals(false, location.getValue("zero_copy"));
    assertEquals("INFO", config.logLevel());
  }

  @Test
  void openrcVariablesFillInTheSwiftSection(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("pr-config.json");
    JsonObject json = original();
    json.getJsonObject("FsRepository").getJsonObject("location").put("path", "");
    Files.writeString(file, json.encode());

    RepositoryConfig config = resultOf(RepositoryConfig.load(vertx, file, true, Map.of(
      "OS_PROJECT_NAME", "project", "OS_USERNAME", "me", "OS_PASSWORD", "pw", "OS_AUTH_URL", "https://keystone/v3",
      "PR_SWIFT_CONTAINER", "apps")));

    assertEquals("swift", config.backend());
    JsonObject access = config.backendSection().getJsonObject("access");
    assertEquals("project", access.getString("account"));
    assertEquals("me", access.getString("user"));
    assertEquals("pw", access.getString("key"));
    assertEquals("https://keystone/v3", access.getString("auth_url"));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Loading

  @Test
  void aMalformedFileFailsWithAMessageNamingIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("pr-config.json");
    Files.writeString(file, "{\"FsRepository\": {\"location\": {\"path\": \"/x\"}},,");

    Throwable failure = failureOf(RepositoryConfig.load(vertx, file, true, Map.of()));

    assertInstanceOf(ConfigException.class, failure);
    assertTrue(failure.getMessage().contains(file.toString()), failure.getMessage());
  }

  @Test
  void aMissingRequiredFileFailsWithAMessageNamingIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("missing.json");

    Throwable failure = failureOf(RepositoryConfig.load(vertx, file, true, Map.of()));

    assertInstanceOf(ConfigException.class, failure);
    assertTrue(failure.getMessage().contains(file.toString()), failure.getMessage());
  }

  @Test
  void aMissingDefaultFileMeansTheDefaultsAndTheEnvironment(@TempDir Path dir) throws Exception {
    RepositoryConfig config = resultOf(RepositoryConfig.load(vertx, dir.resolve("missing.json"), false,
      Map.of("PR_PORT", "7777")));

    assertEquals("fs", config.backend());
    assertUsesDataPackages(config);
    assertEquals(7777, config.port());
  }

  @Test
  void aFileThatLoadsButIsInvalidFailsWithAConfigException(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("pr-config.json");
    Files.writeString(file, original().put("S3Repository", s3Filled()).encode());

    Throwable failure = failureOf(RepositoryConfig.load(vertx, file, true, Map.of()));

    assertInstanceOf(ConfigException.class, failure);
    assertTrue(failure.getMessage().contains("S3Repository"), failure.getMessage());
  }
}
