package org.packagerepository.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.packagerepository.RepositoryConfig;
import org.packagerepository.storage.fs.FsSettings;
import org.packagerepository.storage.s3.S3Settings;
import org.packagerepository.storage.swift.SwiftSettings;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker-compose.yml and the Dockerfile cannot be run here (no Docker engine), so what they say about the server is
 * held to the server: the environment compose gives it, and the alternative its comment shows, are configurations
 * the server accepts, for the store compose starts; the image runs the jar Maven builds, where its defaults expect.
 */
class ContainerFilesTest {

  private static final Path COMPOSE = Path.of("docker-compose.yml");
  private static final Path DOCKERFILE = Path.of("src", "main", "docker", "Dockerfile");
  private static final Pattern VARIABLE = Pattern.compile("^#?\\s+((?:PR|OS)_[A-Z0-9_]+): (\\S+)\\s*$");

  /** The repository service's environment, or with {@code fromComment} the one its comment shows for Swift. */
  private static Map<String, String> environment(boolean fromComment) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    boolean inRepositoryEnvironment = false;
    for (String line : Files.readAllLines(COMPOSE)) {
      if (line.equals("    environment:")) {
        inRepositoryEnvironment = env.isEmpty() && !fromComment;
        continue;
      }
      Matcher m = VARIABLE.matcher(line);
      boolean comment = line.startsWith("#");
      if (m.matches() && (fromComment ? comment : inRepositoryEnvironment && !comment)) {
        env.put(m.group(1), m.group(2));
      } else if (!comment && !line.startsWith("      ")) {
        inRepositoryEnvironment = false;
      }
    }
    return env;
  }

  private static String compose() throws IOException {
    return Files.readString(COMPOSE);
  }

  @Test
  void composeConfiguresTheRepositoryForTheMinioItStarts() throws IOException {
    Map<String, String> env = environment(false);
    assertTrue(RepositoryConfig.environmentVariables().keySet().containsAll(env.keySet()), env.toString());
    RepositoryConfig config = RepositoryConfig.from(EnvironmentOverrides.from(env,
      RepositoryConfig.environmentVariables()));
    assertEquals("S3Repository", config.backendSectionName());
    S3Settings s3 = S3Settings.fromJson(config.backendSection());
    assertEquals(URI.create("http://minio:9000"), s3.endpoint());
    assertTrue(s3.pathStyle(), "MinIO needs path-style requests");
    String compose = compose();
    assertTrue(compose.contains("MINIO_ROOT_USER: " + s3.accessKey()), "MinIO's user is the repository's key");
    assertTrue(compose.contains("MINIO_ROOT_PASSWORD: " + s3.secretKey()), "and its password the secret");
    assertTrue(compose.contains("mc mb --ignore-existing local/" + s3.bucket()), "the bucket is made at start");
    assertTrue(compose.contains("mc alias set local http://minio:9000 " + s3.accessKey() + " " + s3.secretKey()));
  }

  @Test
  void theSwiftAlternativeInTheCommentIsAConfigurationForTheSwiftItStarts() throws IOException {
    Map<String, String> env = environment(true);
    assertTrue(RepositoryConfig.environmentVariables().keySet().containsAll(env.keySet()), env.toString());
    RepositoryConfig config = RepositoryConfig.from(EnvironmentOverrides.from(env,
      RepositoryConfig.environmentVariables()));
    assertEquals("SwiftRepository", config.backendSectionName());
    SwiftSettings swift = SwiftSettings.fromJson(config.backendSection());
    assertEquals(1, swift.authVersion(), "the all-in-one speaks TempAuth (v1)");
    assertEquals("test:tester", swift.v1User());
    assertEquals("testing", swift.key());
    assertTrue(swift.authUrl().startsWith("http://swift:8080/"), swift.authUrl());
    assertTrue(compose().contains("  swift:\n    image: openstackswift/saio"));
  }

  @Test
  void theImageRunsTheJarMavenBuildsWithTheServersDefaults() throws IOException {
    List<String> lines = Files.readAllLines(DOCKERFILE);
    String dockerfile = String.join("\n", lines);
    String pom = Files.readString(Path.of("pom.xml"));
    Matcher finalName = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(pom);
    assertTrue(finalName.find());
    String jar = finalName.group(1) + ".jar";
    assertTrue(dockerfile.contains("COPY --from=build /build/target/" + jar + " /opt/package-repository/" + jar));
    assertTrue(dockerfile.contains("ENTRYPOINT [\"java\", \"-jar\", \"/opt/package-repository/" + jar + "\"]"));

    String workdir = last(lines, "WORKDIR");
    String volume = last(lines, "VOLUME");
    assertTrue((workdir + "/" + FsSettings.DEFAULT_PATH).startsWith(volume + "/"),
      "the packages (" + FsSettings.DEFAULT_PATH + " in " + workdir + ") are on the volume " + volume);
    assertTrue(dockerfile.contains("mkdir -p " + workdir + "/" + FsSettings.DEFAULT_PATH + " " + workdir + "/conf"));
    assertEquals(String.valueOf(RepositoryConfig.DEFAULT_PORT), last(lines, "EXPOSE"));
    assertTrue(dockerfile.contains("${PR_PORT:-" + RepositoryConfig.DEFAULT_PORT + "}/health/live"));
    assertTrue(dockerfile.contains("USER repository"), "not root");
    assertTrue(compose().contains("repository-data:" + volume), "compose keeps the volume");
  }

  /** The argument of the last {@code instruction}: the one of the image's final stage. */
  private static String last(List<String> lines, String instruction) {
    List<String> found = lines.stream().filter(l -> l.startsWith(instruction + " ")).toList();
    return found.get(found.size() - 1).substring(instruction.length() + 1).trim();
  }
}
