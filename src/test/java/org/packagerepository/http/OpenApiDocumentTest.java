package org.packagerepository.http;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.packagerepository.auth.TokenHash;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code src/main/resources/openapi.json} against running servers on the file-system backend, both ways: every answer
 * the test gets is listed by the document for its operation, with the documented media type, the required headers and
 * a body valid against the documented schema; every documented operation, status and parameter is produced or sent
 * (but for {@link #EXEMPT}); and requests the document does not list get 404 or 405.
 */
public class OpenApiDocumentTest {

  /**
   * Documented statuses no request here produces, besides 500 for every operation: 500 is a server failure, never a
   * planned answer (an answer with it fails the test). 507 needs a full disk. /stats answers from the storage
   * verticle's memory: its 503 (that verticle not answering) cannot be arranged from outside. A 408 needs a client
   * slower than config.body_timeout: LimitsApiTest has it. A 307 needs a store that signs URLs (S3, Swift), which the
   * file system is not: RedirectContract has it, on S3Proxy and on Swift, and checks it against this document.
   */
  private static final Set<String> EXEMPT = Set.of("PUT /packages/{file} 507", "GET /stats 503",
    "PUT /packages/{file} 408", "GET /packages/{file} 307");

  /** The schema keywords {@link #validate} understands; the document may use no other. */
  private static final Set<String> SCHEMA_KEYWORDS = Set.of("$ref", "type", "format", "description", "example",
    "default", "properties", "required", "additionalProperties", "items", "enum", "pattern", "minimum", "maxLength",
    "nullable");

  private static final List<String> METHODS = List.of("GET", "HEAD", "PUT", "DELETE", "POST", "PATCH", "OPTIONS");

  private static final JsonObject DOC = load();

  @TempDir
  Path tmp;

  /** "GET /packages/{file} 206" for each answer checked. */
  private final Set<String> produced = new TreeSet<>();
  /** "GET /packages/{file} Range" for each documented parameter a checked request carried. */
  private final Set<String> sent = new TreeSet<>();

  /** One answer, from the JDK client or from {@link RawHttp}. */
  private record Answer(int status, Function<String, String> header, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    JsonObject json() {
      return new JsonObject(text());
    }
  }

  private static JsonObject load() {
    try (InputStream in = OpenApiDocumentTest.class.getResourceAsStream("/openapi.json")) {
      assertNotNull(in, "openapi.json is on the class path");
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void theDocumentIsOpenApi3WithEveryReferenceAndSchemaUnderstood() {
    assertTrue(DOC.getString("openapi").matches("3\\.0\\.\\d+"), DOC.getString("openapi"));
    assertNotNull(DOC.getJsonObject("info").getString("title"));
    assertNotNull(DOC.getJsonObject("info").getString("version"));
    assertFalse(DOC.getJsonObject("paths").isEmpty());
    checkTree(DOC, "#");
    for (String name : DOC.getJsonObject("components").getJsonObject("schemas").fieldNames()) {
      checkSchema(DOC.getJsonObject("components").getJsonObject("schemas").getJsonObject(name), name);
    }
    for (String path : DOC.getJsonObject("paths").fieldNames()) {
      for (String method : methodsOf(path)) {
        JsonObject responses = operation(path, method).getJsonObject("responses");
        assertFalse(responses.isEmpty(), method + " " + path);
        for (String status : responses.fieldNames()) {
          assertNotNull(resolve(responses.getJsonObject(status)).getString("description"), method + " " + path + " " + status);
        }
      }
    }
  }

  @Test
  void everyAnswerIsDocumentedAndEveryDocumentedAnswerIsProduced() throws Throwable {
    openServer();
    authServer();
    limitedServer();
    busyServer();
    brokenStorage();

    Set<String> documented = new TreeSet<>();
    Set<String> parameters = new TreeSet<>();
    for (String path : DOC.getJsonObject("paths").fieldNames()) {
      for (String method : methodsOf(path)) {
        String operation = method.toUpperCase(Locale.ROOT) + " " + path;
        assertTrue(produced.stream().anyMatch(p -> p.startsWith(operation + " ")), operation + " never requested");
        operation(path, method).getJsonObject("responses").fieldNames().forEach(s -> documented.add(operation + " " + s));
        for (JsonObject parameter : parameters(path, method)) {
          if (!parameter.getString("in").equals("path")) {
            parameters.add(operation + " " + parameter.getString("name"));
          }
        }
      }
    }
    assertTrue(documented.containsAll(EXEMPT), "every exemption names a documented status");
    Set<String> missing = new TreeSet<>(documented);
    missing.removeAll(produced);
    missing.removeAll(EXEMPT);
    missing.removeIf(status -> status.endsWith(" 500"));
    assertEquals(Set.of(), missing, "documented statuses that no request produced");
    Set<String> unsent = new TreeSet<>(parameters);
    unsent.removeAll(sent);
    assertEquals(Set.of(), unsent, "documented parameters that no request sent");
  }

  @Test
  void whatTheDocumentDoesNotListIsNotServed() throws Exception {
    try (TestServer server = fsServer("open", new JsonObject())) {
      server.client().upload("app-1.0.0.tar.gz", TestBytes.random(1000, 20));
      Set<String> targets = new LinkedHashSet<>();
      for (String path : DOC.getJsonObject("paths").fieldNames()) {
        targets.add(path.replace("{file}", "app-1.0.0.tar.gz"));
        if (!path.contains("{") && !path.endsWith("/")) {
          targets.add(path + "/");
        }
      }
      // The routes the server is known to have (so that one dropped from the document is noticed), and some it has not.
      // The pages for people (/, /browse/<name>, /assets/*) are HTML, not the API the document describes:
      // BrowsePageTest tests them.
      targets.addAll(List.of("/packages", "/stats", "/health/live", "/health/ready", "/metrics",
        "/nothing", "/packagesx", "/health", "/stats/x", "/openapi.json", "/browsex", "/assetsx"));
      for (String target : targets) {
        String template = templateOf(target);
        // Vert.x's router lets a route's path match with a trailing slash too, which the document says in words.
        String alias = template == null && target.endsWith("/") ? templateOf(target.substring(0, target.length() - 1)) : null;
        for (String method : METHODS) {
          if (template != null && methodsOf(template).contains(method.toLowerCase(Locale.ROOT))) {
            continue;
          }
          String where = method + " " + target;
          RawHttp.Response response = RawHttp.exchange(server.port(), method, target,
            Set.of("PUT", "POST", "PATCH").contains(method) ? new byte[0] : null);
          if (alias != null && methodsOf(alias).contains(method.toLowerCase(Locale.ROOT))) {
            checked(method, alias, List.of(), new Answer(response.status(), response::header, response.body()));
            continue;
          }
          String getTemplate = template != null ? template : alias;
          if (method.equals("HEAD") && getTemplate != null && methodsOf(getTemplate).contains("get")) {
            // HEAD wherever GET is (the document says so in words): GET's status and no body.
            RawHttp.Response get = RawHttp.exchange(server.port(), "GET", target, null);
            assertEquals(get.status(), response.status(), where);
            assertEquals(0, response.body().length, where);
            continue;
          }
          if (method.equals("PUT") && (target.equals("/packages") || target.equals("/packages/"))) {
            // What follows /packages is taken as the package name, and an empty one is invalid: 400 like any other
            // invalid name on PUT.
            assertEquals(400, response.status(), where);
          } else if (response.status() == 405) {
            String allow = response.header("Allow");
            assertNotNull(allow, where + ": 405 without Allow");
            List<String> allowed = Arrays.stream(allow.split(",")).map(String::trim).toList();
            for (String documented : getTemplate == null ? List.<String>of() : methodsOf(getTemplate)) {
              assertTrue(allowed.contains(documented.toUpperCase(Locale.ROOT)), where + ": Allow " + allow);
            }
            for (String named : allowed) {
              // Allow names only methods that work there: the documented ones, and HEAD wherever GET is.
              assertTrue(getTemplate != null && (methodsOf(getTemplate).contains(named.toLowerCase(Locale.ROOT))
                || named.equals("HEAD") && methodsOf(getTemplate).contains("get")), where + ": Allow " + allow);
            }
          } else {
            assertEquals(404, response.status(), where + " is not documented but answered " + response.statusLine());
          }
          if (!method.equals("HEAD")) {
            validate(Json.decodeValue(response.bodyText()), schema("Error"), where);
          }
        }
      }
      // Under /packages/ the server names what it serves: exactly the documented methods.
      RawHttp.Response post = RawHttp.exchange(server.port(), "POST", "/packages/app-1.0.0.tar.gz", new byte[0]);
      assertEquals(405, post.status(), post.statusLine());
      assertEquals(new TreeSet<>(methodsOf("/packages/{file}").stream().map(m -> m.toUpperCase(Locale.ROOT)).toList()),
        new TreeSet<>(Arrays.stream(post.header("Allow").split(",")).map(String::trim).toList()));
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Servers and the requests they get

  private TestServer fsServer(String name, JsonObject settings) throws Exception {
    return TestServer.onFileSystem(tmp.resolve(name), settings);
  }

  /** No authentication, no limits: everything a client does right or wrong by itself. */
  private void openServer() throws Throwable {
    byte[] v100 = TestBytes.random(100_000, 1);
    byte[] v110 = TestBytes.random(70_000, 2);
    byte[] v120 = TestBytes.random(2_000_000, 3);
    String app = "/packages/app-1.0.0.tar.gz";
    try (TestServer s = fsServer("open", new JsonObject())) {
      Answer stored = call(s, "PUT", app, bytes(TestBytes.random(10, 9)));
      assertEquals(200, stored.status(), stored.text());
      String etag = stored.header().apply("ETag");
      // Replaces exactly the version named, checking the bytes against the announced SHA-256.
      stored = call(s, "PUT", app, bytes(v100), "If-Match", etag, "X-Checksum-Sha256", TestBytes.sha256Hex(v100));
      assertEquals(200, stored.status(), stored.text());
      assertEquals(new JsonObject().put("file", "app-1.0.0.tar.gz").put("name", "app").put("version", "1.0.0")
        .put("size", v100.length).put("sha256", TestBytes.sha256Hex(v100)), stored.json());
      etag = stored.header().apply("ETag");
      assertEquals(200, call(s, "PUT", "/packages/app-1.1.0.tar.gz", chunked(v110), "If-None-Match", "*",
        "Content-Digest", TestBytes.contentDigest(v110)).status());
      assertEquals(200, continued(s, "/packages/app-1.2.0.tar.gz", v120).status());

      assertEquals(412, call(s, "PUT", app, bytes(v110), "If-None-Match", "*").status());
      assertEquals(412, call(s, "PUT", app, bytes(v110), "If-Match", "\"another\"").status());
      assertEquals(400, call(s, "PUT", app, bytes(v110), "X-Checksum-Sha256", TestBytes.sha256Hex(v100)).status());
      assertEquals(400, call(s, "PUT", app, bytes(v110), "If-None-Match", etag).status());
      assertEquals(400, call(s, "PUT", "/packages/app.zip", bytes(v110)).status());
      assertEquals(400, continued(s, "/packages/app-latest.tar.gz", v110).status());
      assertArrayEquals(v100, call(s, "GET", app).body(), "refused uploads changed nothing");

      assertEquals(new JsonArray().add(new JsonObject().put("name", "app").put("latest_versions", new JsonArray()
        .add(new JsonObject().put("version", "1.2.0").put("file", "app-1.2.0.tar.gz")))), listing(s, "/packages"));
      JsonArray detailed = listing(s, "/packages/?recency=3&detail=true").getJsonObject(0).getJsonArray("latest_versions");
      assertEquals(List.of(v120.length, v110.length, v100.length),
        detailed.stream().map(v -> ((JsonObject) v).getInteger("size")).toList());
      assertEquals(TestBytes.sha256Hex(v110), detailed.getJsonObject(1).getString("sha256"));
      assertEquals(2, listing(s, "/packages?recency=2&detail=1").getJsonObject(0).getJsonArray("latest_versions").size());
      assertEquals(1, listing(s, "/packages/?detail=false").getJsonObject(0).getJsonArray("latest_versions").size());
      assertEquals(400, call(s, "GET", "/packages?recency=0").status());
      assertEquals(400, call(s, "GET", "/packages/?recency=two").status());

      Answer whole = call(s, "GET", app);
      assertArrayEquals(v100, whole.body());
      assertEquals(etag, whole.header().apply("ETag"));
      assertEquals(TestBytes.sha256Hex(v100), whole.header().apply("X-Checksum-Sha256"));
      String modified = whole.header().apply("Last-Modified");
      Answer part = call(s, "GET", app, "Range", "bytes=10-19");
      assertEquals(206, part.status());
      assertArrayEquals(Arrays.copyOfRange(v100, 10, 20), part.body());
      assertEquals("bytes 10-19/" + v100.length, part.header().apply("Content-Range"));
      part = call(s, "GET", app, "Range", "bytes=-5", "If-Range", etag);
      assertArrayEquals(Arrays.copyOfRange(v100, v100.length - 5, v100.length), part.body());
      assertEquals(206, part.status());
      whole = call(s, "GET", app, "Range", "bytes=-5", "If-Range", "\"an-older-version\"");
      assertEquals(200, whole.status());
      assertArrayEquals(v100, whole.body());
      assertEquals(416, call(s, "GET", app, "Range", "bytes=" + v100.length + "-").status());
      assertEquals(304, call(s, "GET", app, "If-None-Match", etag).status());
      assertEquals(304, call(s, "GET", app, "If-Modified-Since", modified).status());
      assertEquals(412, call(s, "GET", app, "If-Match", "\"another\"").status());
      assertEquals(412, call(s, "GET", app, "If-Unmodified-Since", "Mon, 01 Jan 2001 00:00:00 GMT").status());
      assertEquals(404, call(s, "GET", "/packages/missing-1.0.0.tar.gz").status());
      assertEquals(404, call(s, "GET", "/packages/not-a-package").status());

      Answer head = call(s, "HEAD", app);
      assertEquals(200, head.status());
      assertEquals(String.valueOf(v100.length), head.header().apply("Content-Length"));
      assertEquals(304, call(s, "HEAD", app, "If-None-Match", etag).status());
      assertEquals(304, call(s, "HEAD", app, "If-Modified-Since", modified).status());
      assertEquals(412, call(s, "HEAD", app, "If-Match", "\"another\"").status());
      assertEquals(412, call(s, "HEAD", app, "If-Unmodified-Since", "Mon, 01 Jan 2001 00:00:00 GMT").status());
      assertEquals(404, call(s, "HEAD", "/packages/missing-1.0.0.tar.gz").status());

      assertEquals(new JsonObject().put("active", 0).put("versions", new JsonArray()),
        call(s, "GET", "/stats").json().getJsonObject("downloads"));

      // A warm: done at once on the file system, failed for a file that does not exist.
      Answer warm = call(s, "POST", "/warm", json("{\"files\": [\"app-1.0.0.tar.gz\", \"missing-1.0.0.tar.gz\"]}"));
      assertEquals(202, warm.status(), warm.text());
      String status = warm.header().apply("Location");
      assertEquals("/warm/" + warm.json().getString("id"), status);
      Eventually.within(java.time.Duration.ofSeconds(10), () -> assertEquals("failed",
        call(s, "GET", status).json().getString("state")));
      JsonArray files = call(s, "GET", status).json().getJsonArray("members").getJsonObject(0).getJsonArray("files");
      assertEquals("done", files.getJsonObject(0).getString("state"), files::encode);
      assertEquals("failed", files.getJsonObject(1).getString("state"), files::encode);
      assertEquals(404, call(s, "GET", "/warm/no-such-warm").status());
      assertEquals(400, call(s, "POST", "/warm", json("{\"files\": []}")).status());
      assertEquals(400, call(s, "POST", "/warm", json("[\"app-1.0.0.tar.gz\"]")).status());
      assertEquals(413, call(s, "POST", "/warm", chunked("{\"files\": [\"app-1.0.0.tar.gz\"]}".getBytes())).status());
      for (String path : DOC.getJsonObject("paths").fieldNames()) {
        if (!path.contains("{") && methodsOf(path).contains("get")) {
          assertEquals(200, call(s, "GET", path).status(), path);
        }
      }
      assertEquals("UP", call(s, "GET", "/health/live").json().getString("status"));
      assertEquals("UP", call(s, "GET", "/health/ready").json().getString("status"));

      // retention is off here
      assertEquals(409, call(s, "POST", "/retention").status());
      assertEquals(400, call(s, "POST", "/retention?dry_run=maybe").status());
      assertEquals(412, call(s, "DELETE", "/packages/app-1.1.0.tar.gz", "If-Match", "\"another\"").status());
      Answer deleted = call(s, "DELETE", "/packages/app-1.1.0.tar.gz");
      assertEquals(new JsonObject().put("file", "app-1.1.0.tar.gz").put("deleted", true), deleted.json());
      assertEquals(404, call(s, "GET", "/packages/app-1.1.0.tar.gz").status());
      assertEquals(404, call(s, "DELETE", "/packages/app-1.1.0.tar.gz").status());
    }
  }

  /** Authentication on: 401 without credentials, 403 without the permission, on every protected operation. */
  private void authServer() throws Exception {
    JsonObject users = new JsonObject()
      .put("reader", user("reader-token-0123456789", "read"))
      .put("writer", user("writer-token-0123456789", "write"))
      .put("admin", user("admin-token-0123456789", "read", "write", "delete"));
    String[] reader = {"Authorization", "Bearer reader-token-0123456789"};
    String[] writer = {"Authorization", "Basic " + Base64.getEncoder()
      .encodeToString("writer:writer-token-0123456789".getBytes(StandardCharsets.UTF_8))};
    String[] admin = {"Authorization", "Bearer admin-token-0123456789"};
    String app = "/packages/app-1.0.0.tar.gz";
    byte[] bytes = TestBytes.random(5000, 4);
    try (TestServer s = fsServer("auth", new JsonObject().put("auth", new JsonObject().put("users", users))
      .put("retention", new JsonObject().put("keep_last", 1)))) {
      assertEquals(401, call(s, "PUT", app, bytes(bytes)).status());
      assertEquals(403, call(s, "PUT", app, bytes(bytes), reader).status());
      assertEquals(200, call(s, "PUT", app, bytes(bytes), writer).status());
      String warm = "{\"files\": [\"app-1.0.0.tar.gz\"]}";
      assertEquals(401, call(s, "POST", "/warm", json(warm)).status());
      assertEquals(403, call(s, "POST", "/warm", json(warm), reader).status());
      Answer warmed = call(s, "POST", "/warm", json(warm), writer);
      assertEquals(202, warmed.status(), warmed.text());
      // Every read the document says may be refused.
      for (String path : DOC.getJsonObject("paths").fieldNames()) {
        String target = path.replace("{file}", "app-1.0.0.tar.gz").replace("{id}", warmed.json().getString("id"));
        for (String method : List.of("GET", "HEAD")) {
          JsonObject operation = DOC.getJsonObject("paths").getJsonObject(path).getJsonObject(method.toLowerCase(Locale.ROOT));
          if (operation == null || !operation.getJsonObject("responses").containsKey("401")) {
            continue;
          }
          assertEquals(401, call(s, method, target).status(), method + " " + target);
          assertEquals(401, call(s, method, target, "Authorization", "Bearer wrong").status(), method + " " + target);
          assertEquals(403, call(s, method, target, writer).status(), method + " " + target);
          assertEquals(200, call(s, method, target, reader).status(), method + " " + target);
        }
      }
      assertArrayEquals(bytes, call(s, "GET", app, reader).body());
      // What the document says needs no credentials (security: []) is served without.
      for (String path : DOC.getJsonObject("paths").fieldNames()) {
        JsonObject get = DOC.getJsonObject("paths").getJsonObject(path).getJsonObject("get");
        if (get != null && new JsonArray().equals(get.getJsonArray("security"))) {
          assertEquals(200, call(s, "GET", path).status(), path);
        }
      }
      // retention: a dry run needs read, a run that deletes needs delete
      assertEquals(200, call(s, "PUT", "/packages/app-2.0.0.tar.gz", bytes(bytes), writer).status());
      assertEquals(401, call(s, "POST", "/retention?dry_run=true").status());
      assertEquals(403, call(s, "POST", "/retention?dry_run=true", writer).status());
      Answer dryRun = call(s, "POST", "/retention?dry_run=true", reader);
      assertEquals(200, dryRun.status(), dryRun.text());
      assertEquals("app-1.0.0.tar.gz", dryRun.json().getJsonArray("deleted").getJsonObject(0).getString("file"));
      assertEquals(403, call(s, "POST", "/retention", reader).status());
      Answer retained = call(s, "POST", "/retention", admin);
      assertEquals(200, retained.status(), retained.text());
      assertEquals(dryRun.json().put("dry_run", false), retained.json());
      assertEquals(200, call(s, "PUT", app, bytes(bytes), writer).status());
      assertEquals(401, call(s, "DELETE", app).status());
      assertEquals(403, call(s, "DELETE", app, writer).status());
      assertEquals(200, call(s, "DELETE", app, admin).status());
    }
  }

  private static JsonObject user(String token, String... permissions) {
    return new JsonObject().put("token", TokenHash.format(token)).put("permissions", new JsonArray(List.of((Object[]) permissions)));
  }

  /** No overwriting (409) and a size limit (413, up front and for a chunked body). */
  private void limitedServer() throws Exception {
    int limit = 100_000;
    byte[] first = TestBytes.random(limit, 5);
    try (TestServer s = fsServer("limited", new JsonObject().put("allow_overwrite", false).put("max_package_size", limit))) {
      assertEquals(200, call(s, "PUT", "/packages/app-1.0.0.tar.gz", bytes(first)).status());
      assertEquals(409, call(s, "PUT", "/packages/app-1.0.0.tar.gz", bytes(TestBytes.random(10, 6))).status());
      byte[] big = TestBytes.random(limit + 1, 7);
      assertEquals(413, call(s, "PUT", "/packages/big-1.0.0.tar.gz", bytes(big)).status());
      assertEquals(413, continued(s, "/packages/big-1.0.0.tar.gz", big).status());
      assertEquals(413, call(s, "PUT", "/packages/big-1.0.0.tar.gz", chunked(TestBytes.random(3 * limit, 8))).status());
      assertEquals(404, call(s, "GET", "/packages/big-1.0.0.tar.gz").status());
      assertArrayEquals(first, call(s, "GET", "/packages/app-1.0.0.tar.gz").body());
    }
  }

  /** A client with its share of downloads in flight (429). */
  private void busyServer() throws Exception {
    byte[] big = TestBytes.random(32 * 1024 * 1024, 12);
    try (TestServer s = fsServer("busy", new JsonObject().put("limits", new JsonObject()
      .put("max_downloads_per_client", 1)))) {
      assertEquals(200, call(s, "PUT", "/packages/big-1.0.0.tar.gz", bytes(big)).status());
      try (SlowDownload slow = new SlowDownload(s.port(), "/packages/big-1.0.0.tar.gz")) {
        assertEquals(200, slow.status());
        Answer refused = call(s, "GET", "/packages/big-1.0.0.tar.gz");
        assertEquals(429, refused.status(), refused.text());
      }
    }
  }

  /** The package directory replaced by a file: the backend cannot be used, so 503 wherever storage is needed. */
  private void brokenStorage() throws Exception {
    try (TestServer s = fsServer("broken", new JsonObject().put("retention", new JsonObject().put("keep_last", 1)))) {
      String app = "/packages/app-1.0.0.tar.gz";
      assertEquals(200, call(s, "PUT", app, bytes(TestBytes.random(100, 10))).status());
      Path directory = tmp.resolve("broken");
      try (Stream<Path> all = Files.walk(directory)) {
        all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
      Files.write(directory, new byte[1]);

      Answer down = call(s, "GET", "/health/ready");
      assertEquals(503, down.status());
      assertEquals("DOWN", down.json().getString("status"));
      assertEquals(200, call(s, "GET", "/health/live").status());
      for (String target : List.of("/packages", "/packages/", app)) {
        assertEquals(503, call(s, "GET", target).status(), target);
      }
      assertEquals(503, call(s, "HEAD", app).status());
      assertEquals(503, call(s, "PUT", app, bytes(TestBytes.random(100, 11))).status());
      assertEquals(503, call(s, "DELETE", app).status());
      assertEquals(503, call(s, "POST", "/retention?dry_run=1").status());
    }
  }

  private JsonArray listing(TestServer server, String target) throws Exception {
    Answer answer = call(server, "GET", target);
    assertEquals(200, answer.status(), target + ": " + answer.text());
    return new JsonArray(answer.text());
  }

  private static HttpRequest.BodyPublisher bytes(byte[] body) {
    return HttpRequest.BodyPublishers.ofByteArray(body);
  }

  private static HttpRequest.BodyPublisher json(String text) {
    return HttpRequest.BodyPublishers.ofString(text);
  }

  /** A body of unknown length: the JDK client sends it chunked. */
  private static HttpRequest.BodyPublisher chunked(byte[] body) {
    return HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body));
  }

  private Answer call(TestServer server, String method, String target, String... headers) throws Exception {
    return call(server, method, target, HttpRequest.BodyPublishers.noBody(), headers);
  }

  /** A request by the JDK client; its answer checked against the document. */
  private Answer call(TestServer server, String method, String target, HttpRequest.BodyPublisher body,
                      String... headers) throws Exception {
    ApiClient api = server.client();
    HttpResponse<byte[]> response = api.send(api.request(target, headers).method(method, body).build(),
      HttpResponse.BodyHandlers.ofByteArray());
    List<String> names = new ArrayList<>();
    for (int i = 0; i < headers.length; i += 2) {
      names.add(headers[i]);
    }
    return checked(method, target, names,
      new Answer(response.statusCode(), name -> response.headers().firstValue(name).orElse(null), response.body()));
  }

  /** A PUT as curl sends large ones (which the JDK client cannot): Expect: 100-continue, the body only after 100. */
  private Answer continued(TestServer server, String target, byte[] body) throws Exception {
    RawHttp.Response response = RawHttp.putWithContinue(server.port(), target, body);
    return checked("PUT", target, List.of("Expect"), new Answer(response.status(), response::header, response.body()));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The document

  /**
   * For answers that other tests get (a 307 needs a store that signs URLs): fails unless the document lists the
   * answer's status for its operation, with its media type, required headers and body schema.
   */
  public static void assertDocumented(HttpResponse<byte[]> response) {
    new OpenApiDocumentTest().checked(response.request().method(), response.uri().getRawPath(), List.of(),
      new Answer(response.statusCode(), name -> response.headers().firstValue(name).orElse(null), response.body()));
  }

  /**
   * Fails unless the document lists the answer's status for the operation, with its media type, required headers and
   * body schema. Notes the status and the documented parameters the request carried.
   */
  private Answer checked(String method, String target, List<String> headerNames, Answer answer) {
    String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
    String template = templateOf(path);
    assertNotNull(template, path + " matches no path of the document");
    JsonObject responses = operation(template, method.toLowerCase(Locale.ROOT)).getJsonObject("responses");
    String status = String.valueOf(answer.status());
    String where = method + " " + target + " -> " + status;
    assertNotEquals(500, answer.status(), where + ": " + answer.text());
    assertTrue(responses.containsKey(status), where + " is not documented (" + responses.fieldNames() + "): " + answer.text());
    produced.add(method + " " + template + " " + status);
    String query = target.contains("?") ? target.substring(target.indexOf('?') + 1) : "";
    for (JsonObject parameter : parameters(template, method.toLowerCase(Locale.ROOT))) {
      String name = parameter.getString("name");
      boolean carried = parameter.getString("in").equals("header")
        ? headerNames.stream().anyMatch(name::equalsIgnoreCase)
        : Arrays.stream(query.split("&")).anyMatch(p -> p.startsWith(name + "="));
      if (carried) {
        sent.add(method + " " + template + " " + name);
      }
    }

    JsonObject response = resolve(responses.getJsonObject(status));
    JsonObject headers = response.getJsonObject("headers", new JsonObject());
    for (String name : headers.fieldNames()) {
      JsonObject header = resolve(headers.getJsonObject(name));
      String value = answer.header().apply(name);
      if (value == null) {
        assertFalse(header.getBoolean("required", false), where + ": no " + name);
      } else {
        validate(headerValue(value, resolve(header.getJsonObject("schema"))), header.getJsonObject("schema"), where + " " + name);
      }
    }
    JsonObject content = response.getJsonObject("content");
    if (content == null) {
      assertEquals(0, answer.body().length, where + ": no body is documented");
      return answer;
    }
    String contentType = answer.header().apply("Content-Type");
    assertNotNull(contentType, where + ": no Content-Type");
    String mediaType = contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
    assertTrue(content.containsKey(mediaType), where + ": Content-Type " + contentType + ", documented " + content.fieldNames());
    if (method.equals("HEAD")) {
      assertEquals(0, answer.body().length, where + ": a body");
    } else if (mediaType.equals("application/json")) {
      validate(Json.decodeValue(answer.text()), content.getJsonObject(mediaType).getJsonObject("schema"), where);
    }
    // Other media types are package bytes, which the callers compare with what they uploaded.
    return answer;
  }

  /** The path of the document that {@code path} falls under (a literal path before a template), or null. */
  private static String templateOf(String path) {
    JsonObject paths = DOC.getJsonObject("paths");
    if (paths.containsKey(path)) {
      return path;
    }
    for (String template : paths.fieldNames()) {
      String regex = Arrays.stream(template.split("\\{[^}]+}", -1)).map(Pattern::quote)
        .reduce((a, b) -> a + "[^/]+" + b).orElseThrow();
      if (template.contains("{") && path.matches(regex)) {
        return template;
      }
    }
    return null;
  }

  private static List<String> methodsOf(String path) {
    Set<String> all = Set.of("get", "head", "put", "delete", "post", "patch", "options", "trace");
    return DOC.getJsonObject("paths").getJsonObject(path).fieldNames().stream().filter(all::contains).toList();
  }

  private static JsonObject operation(String path, String method) {
    JsonObject operation = DOC.getJsonObject("paths").getJsonObject(path).getJsonObject(method);
    assertNotNull(operation, method.toUpperCase(Locale.ROOT) + " " + path + " is not in the document");
    return operation;
  }

  /** The parameters of the path and of the operation, resolved. */
  private static List<JsonObject> parameters(String path, String method) {
    List<JsonObject> all = new ArrayList<>();
    for (JsonArray list : new JsonArray[] {DOC.getJsonObject("paths").getJsonObject(path).getJsonArray("parameters"),
      operation(path, method).getJsonArray("parameters")}) {
      if (list != null) {
        list.forEach(p -> all.add(resolve((JsonObject) p)));
      }
    }
    return all;
  }

  private static JsonObject schema(String name) {
    return DOC.getJsonObject("components").getJsonObject("schemas").getJsonObject(name);
  }

  /** Follows {@code $ref}s (local JSON pointers) to the object they name. */
  private static JsonObject resolve(JsonObject node) {
    while (node.containsKey("$ref")) {
      String ref = node.getString("$ref");
      assertTrue(ref.startsWith("#/"), "only local references: " + ref);
      Object target = DOC;
      for (String token : ref.substring(2).split("/")) {
        String key = token.replace("~1", "/").replace("~0", "~");
        target = target instanceof JsonObject object ? object.getValue(key) : null;
      }
      assertTrue(target instanceof JsonObject, ref + " names nothing");
      node = (JsonObject) target;
    }
    return node;
  }

  /** Every reference resolves, and every schema uses only what {@link #validate} understands. */
  private static void checkTree(Object node, String where) {
    if (node instanceof JsonObject object) {
      if (object.containsKey("$ref")) {
        resolve(object);
      }
      for (String key : object.fieldNames()) {
        if (key.equals("schema")) {
          checkSchema(object.getJsonObject(key), where + "/schema");
        } else {
          checkTree(object.getValue(key), where + "/" + key);
        }
      }
    } else if (node instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        checkTree(array.getValue(i), where + "/" + i);
      }
    }
  }

  private static void checkSchema(JsonObject schema, String where) {
    Set<String> unknown = new TreeSet<>(schema.fieldNames());
    unknown.removeAll(SCHEMA_KEYWORDS);
    assertEquals(Set.of(), unknown, where + ": keywords the test's validator does not know");
    resolve(schema);
    JsonObject properties = schema.getJsonObject("properties", new JsonObject());
    properties.fieldNames().forEach(p -> checkSchema(properties.getJsonObject(p), where + "." + p));
    if (schema.containsKey("items")) {
      checkSchema(schema.getJsonObject("items"), where + "[]");
    }
  }

  /** A header's text as the JSON value its schema describes. */
  private static Object headerValue(String value, JsonObject schema) {
    if ("integer".equals(schema.getString("type")) && value.matches("\\d{1,18}")) {
      return Long.parseLong(value);
    }
    return value;
  }

  /** JSON Schema, the subset in {@link #SCHEMA_KEYWORDS}. */
  private static void validate(Object value, JsonObject schemaOrRef, String where) {
    JsonObject schema = resolve(schemaOrRef);
    if (value == null && schema.getBoolean("nullable", false)) {
      return;
    }
    String type = schema.getString("type");
    if (type != null) {
      boolean ok = switch (type) {
        case "object" -> value instanceof JsonObject;
        case "array" -> value instanceof JsonArray;
        case "string" -> value instanceof String;
        case "integer" -> value instanceof Integer || value instanceof Long || value instanceof java.math.BigInteger;
        case "number" -> value instanceof Number;
        case "boolean" -> value instanceof Boolean;
        default -> fail(where + ": unknown type " + type);
      };
      assertTrue(ok, where + ": " + value + " is not " + type);
    }
    if (schema.containsKey("enum")) {
      assertTrue(schema.getJsonArray("enum").contains(value), where + ": " + value + " is not in " + schema.getJsonArray("enum"));
    }
    if (value instanceof String text) {
      if (schema.containsKey("pattern")) {
        assertTrue(Pattern.compile(schema.getString("pattern")).matcher(text).find(),
          where + ": \"" + text + "\" does not match " + schema.getString("pattern"));
      }
      if ("date-time".equals(schema.getString("format"))) {
        Instant.parse(text);
      }
      if (schema.containsKey("maxLength")) {
        assertTrue(text.length() <= schema.getInteger("maxLength"), where + ": too long");
      }
    }
    if (value instanceof Number number && schema.containsKey("minimum")) {
      assertTrue(number.doubleValue() >= schema.getDouble("minimum"), where + ": " + number + " is below the minimum");
    }
    if (value instanceof JsonObject object) {
      JsonObject properties = schema.getJsonObject("properties", new JsonObject());
      for (Object required : schema.getJsonArray("required", new JsonArray())) {
        assertTrue(object.containsKey((String) required), where + ": no " + required + " in " + object.encode());
      }
      for (String field : object.fieldNames()) {
        if (properties.containsKey(field)) {
          validate(object.getValue(field), properties.getJsonObject(field), where + "." + field);
        } else {
          assertNotEquals(Boolean.FALSE, schema.getValue("additionalProperties"), where + ": undocumented " + field);
        }
      }
    }
    if (value instanceof JsonArray array && schema.containsKey("items")) {
      for (int i = 0; i < array.size(); i++) {
        validate(array.getValue(i), schema.getJsonObject("items"), where + "[" + i + "]");
      }
    }
  }
}
