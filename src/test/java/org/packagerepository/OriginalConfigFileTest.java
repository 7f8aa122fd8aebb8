package org.packagerepository;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.packagerepository.config.EnvironmentOverrides;
import org.packagerepository.http.ApiClient;
import org.packagerepository.http.RawHttp;
import org.packagerepository.http.TestBytes;
import org.packagerepository.http.TestServer;
import org.packagerepository.storage.s3.S3TestStore;
import org.packagerepository.storage.swift.SwiftTestAccount;
import org.packagerepository.storage.swift.SwiftTestNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An operator moving from the original service: its own shipped {@code pr-config.json} (every access value and the
 * path empty, the container values {@code apps} / {@code releases} filled in), used as the original's README says:
 * unchanged, or with one backend's access values filled in, in the file or by the environment. Each starts a real
 * server on the backend that was meant, and a package goes where the original would have put it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OriginalConfigFileTest {

  private static final String FILE = "app-1.0.0.tar.gz";

  static JsonObject shipped() throws IOException {
    try (InputStream in = OriginalConfigFileTest.class.getResourceAsStream("/original/pr-config.json")) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void theShippedFileUnchangedStoresPackagesUnderDataPackages(@TempDir Path workingDirectory) throws Exception {
    Path config = workingDirectory.resolve("pr-config.json");
    try (InputStream in = OriginalConfigFileTest.class.getResourceAsStream("/original/pr-config.json")) {
      Files.copy(in, config);
    }
    byte[] bytes = TestBytes.random(100_003, 15);

    // the file stays as shipped: only the port (the shipped file has none: 8888) comes from the environment
    try (ServerProcess server = ServerProcess.start(workingDirectory, Map.of("PR_PORT", "0", "PR_HOST", "127.0.0.1"),
      config)) {
      RawHttp.Response put = RawHttp.exchange(server.port(), "PUT", "/packages/" + FILE, bytes);
      assertEquals(200, put.status(), put.statusLine());
      RawHttp.Response get = RawHttp.exchange(server.port(), "GET", "/packages/" + FILE, null);
      assertEquals(TestBytes.sha256Hex(bytes), TestBytes.sha256Hex(get.body()));
    }

    Path stored = workingDirectory.resolve("data").resolve("packages").resolve(FILE);
    assertTrue(Files.exists(stored), "the package is in data/packages of the working directory");
    assertEquals(TestBytes.sha256Hex(bytes), TestBytes.sha256Hex(Files.readAllBytes(stored)));
  }

  @ParameterizedTest(name = "S3 access filled in {0}: bucket apps, prefix releases")
  @ValueSource(strings = {"the file", "the environment"})
  void theShippedFileWithTheS3AccessFilledInStoresPackagesInBucketAppsUnderReleases(String where) throws Exception {
    try (S3TestStore store = S3TestStore.create()) {
      store.useBucket("apps");
      Map<String, String> access = Map.of("region", S3TestStore.REGION, "access_key", store.accessKey(),
        "secret_access_key", store.secretKey(), "endpoint", store.endpoint().toString());
      Map<String, String> env = Map.of("PR_S3_REGION", S3TestStore.REGION, "PR_S3_ACCESS_KEY", store.accessKey(),
        "PR_S3_SECRET_ACCESS_KEY", store.secretKey(), "PR_S3_ENDPOINT", store.endpoint().toString());
      JsonObject config = filledIn(where, "S3Repository", access, env);
      byte[] bytes = TestBytes.random(100_003, 16);

      roundTrip(config, bytes);

      assertEquals(TestBytes.sha256Hex(bytes), TestBytes.sha256Hex(store.getDirectly("releases/" + FILE)));
    }
  }

  @ParameterizedTest(name = "Swift access filled in {0}: container apps, path releases")
  @ValueSource(strings = {"the file", "the environment"})
  void theShippedFileWithTheSwiftAccessFilledInStoresPackagesInContainerAppsUnderReleases(String where)
    throws Exception {
    try (SwiftTestNode node = SwiftTestNode.start()) {
      String[] user = node.user().split(":");
      Map<String, String> access = Map.of("auth_url", node.authUrl(), "account", user[0], "user", user[1],
        "key", node.key());
      // what sourcing an openrc file gives
      Map<String, String> env = Map.of("OS_AUTH_URL", node.authUrl(), "OS_PROJECT_NAME", user[0],
        "OS_USERNAME", user[1], "OS_PASSWORD", node.key());
      JsonObject config = filledIn(where, "SwiftRepository", access, env);
      byte[] bytes = TestBytes.random(100_003, 17);

      roundTrip(config, bytes);

      SwiftTestAccount account = new SwiftTestAccount(node);
      assertTrue(account.names("apps").contains("releases/" + FILE), "in container apps: " + account.names("apps"));
      assertEquals(String.valueOf(bytes.length),
        account.head("apps", "releases/" + FILE).headers().firstValue("Content-Length").orElse(""));
    }
  }

  /** The shipped file with {@code section}'s access values filled in the file, or given as environment variables. */
  private static JsonObject filledIn(String where, String section, Map<String, String> access, Map<String, String> env)
    throws IOException {
    JsonObject config = shipped();
    if (where.equals("the file")) {
      JsonObject group = config.getJsonObject(section).getJsonObject("access");
      access.forEach(group::put);
      return config;
    }
    // as the configuration loader merges them: the environment over the file
    return config.mergeIn(EnvironmentOverrides.from(env, RepositoryConfig.environmentVariables()), true);
  }

  /** A server on {@code config}: a PUT is answered 200, then listed and served byte-exact. */
  private static void roundTrip(JsonObject config, byte[] bytes) throws Exception {
    try (TestServer server = TestServer.start(config)) {
      ApiClient api = server.client();
      assertEquals(200, api.put(FILE, bytes).statusCode());
      assertEquals("app", api.listing().getJsonObject(0).getString("name"));
      assertEquals(TestBytes.sha256Hex(bytes), TestBytes.sha256Hex(api.get(FILE).body()));
    }
  }
}
