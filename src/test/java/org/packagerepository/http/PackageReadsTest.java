package org.packagerepository.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.packagerepository.auth.TokenHash;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A read of a package by its plain name is answered before the router ({@link PackageReads}); the same read with a
 * percent-encoded name goes through the router. Both must give the same answer, access-log line and metrics.
 */
class PackageReadsTest {

  private static final String READER = "reader-token-0123456789";
  private static final String WRITER = "writer-token-0123456789";
  private static final String PLAIN = "app-1.0.0.tar.gz";
  /** The same name, with its first letter percent-encoded: only the router decodes it. */
  private static final String ENCODED = "%61pp-1.0.0.tar.gz";

  @TempDir
  Path packages;
  private AccessLines access;
  private TestServer server;
  private ApiClient api;

  @BeforeEach
  void start() throws Exception {
    access = AccessLines.capture();
    JsonObject users = new JsonObject()
      .put("reader", new JsonObject().put("token", TokenHash.format(READER)).put("permissions", new JsonArray().add("read")))
      .put("writer", new JsonObject().put("token", TokenHash.format(WRITER)).put("permissions", new JsonArray().add("write")));
    server = TestServer.onFileSystem(packages, new JsonObject().put("auth", new JsonObject().put("users", users)));
    api = server.client();
  }

  @AfterEach
  void stop() throws Exception {
    access.close();
    server.close();
  }

  @Test
  void aPlainNameIsAnsweredAsTheRouterAnswersTheSameNameEncoded() throws Throwable {
    byte[] bytes = TestBytes.random(70_000, 7);
    assertEquals(200, api.put(PLAIN, bytes, "Authorization", "Bearer " + WRITER).statusCode());
    String reader = "Bearer " + READER;
    String etag = api.head(PLAIN, "Authorization", reader).headers().firstValue("ETag").orElseThrow();
    List<String[]> cases = List.of(
      new String[] {"GET"},
      new String[] {"GET", "Authorization", "Bearer wrong"},
      new String[] {"GET", "Authorization", "Bearer " + WRITER},
      new String[] {"GET", "Authorization", reader},
      new String[] {"HEAD", "Authorization", reader},
      new String[] {"GET", "Authorization", reader, "Range", "bytes=1000-1999"},
      new String[] {"GET", "Authorization", reader, "Range", "bytes=-100"},
      new String[] {"GET", "Authorization", reader, "Range", "bytes=70000-"},
      new String[] {"GET", "Authorization", reader, "If-None-Match", etag},
      new String[] {"GET", "Authorization", reader, "If-Match", "\"other\""},
      new String[] {"GET", "Authorization", reader, "If-Range", "\"other\"", "Range", "bytes=0-9"});
    List<String> statuses = new ArrayList<>();
    for (String[] request : cases) {
      String[] headers = java.util.Arrays.copyOfRange(request, 1, request.length);
      String plain = answer(request[0], PLAIN, headers);
      assertEquals(answer(request[0], ENCODED, headers), plain, String.join(" ", request));
      assertEquals(answer(request[0], "%6eone-1.0.0.tar.gz", headers), answer(request[0], "none-1.0.0.tar.gz", headers),
        "a package that is not there: " + String.join(" ", request));
      statuses.add(plain.substring(0, 3));
    }
    assertEquals(List.of("401", "401", "403", "200", "200", "206", "206", "416", "304", "412", "200"), statuses);

    // Each line of a plain read is the line of the same read encoded, but for the path and the time taken.
    int requests = 4 * cases.size();
    Eventually.within(Duration.ofSeconds(10), () -> assertEquals(requests + 2, access.lines.size(), access.lines::toString));
    List<String> read = access.lines.subList(2, access.lines.size());
    for (int i = 0; i < read.size(); i += 2) {
      assertEquals(normalized(read.get(i + 1)), normalized(read.get(i)), read.get(i));
    }

    // Both ways count under the same route labels: the guard's route alone for the refused, both routes otherwise.
    HttpResponse<String> scrape = api.send(api.request("/metrics", "Authorization", reader).GET().build(),
      HttpResponse.BodyHandlers.ofString());
    assertEquals(200, scrape.statusCode());
    PrometheusText metrics = new PrometheusText(scrape.body());
    int refused = 4 * 3;
    assertEquals(refused, reads(metrics, "/packages/"));
    assertEquals(requests - refused + 1, reads(metrics, "/packages/>/packages/"), "and the HEAD that took the tag");
  }

  private static double reads(PrometheusText metrics, String route) {
    return metrics.sum("vertx_http_server_requests_total", "method", "GET", "route", route)
      + metrics.sum("vertx_http_server_requests_total", "method", "HEAD", "route", route);
  }

  /** Status, headers and the SHA-256 of the body of one request, as text to compare. */
  private String answer(String method, String file, String... headers) throws Exception {
    HttpRequest request = api.request("/packages/" + file, headers)
      .method(method, HttpRequest.BodyPublishers.noBody()).build();
    HttpResponse<byte[]> response = api.send(request, HttpResponse.BodyHandlers.ofByteArray());
    Map<String, List<String>> seen = new TreeMap<>(response.headers().map());
    return response.statusCode() + " " + seen.toString().replace(ENCODED, PLAIN).replace("%6eone", "none") + " "
      + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(response.body()));
  }

  /** An access-log line without the time taken, with the names as the plain path gives them. */
  private static String normalized(String line) {
    return line.replaceAll(" \\d+ms$", "").replace(ENCODED, PLAIN).replace("%6eone", "none");
  }
}
