package org.packagerepository.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Ordinary requests to a {@link TestServer} with the JDK's HTTP/1.1 client, from the test thread. Headers are given as
 * name/value pairs. Paths are sent as written: callers percent-encode what needs it.
 */
public final class ApiClient {

  /** One client for the whole run: it holds a selector thread, and Java 17's client cannot be closed. */
  private static final HttpClient HTTP = HttpClient.newBuilder()
    .version(HttpClient.Version.HTTP_1_1)
    .connectTimeout(Duration.ofSeconds(5))
    .followRedirects(HttpClient.Redirect.NEVER)
    .build();

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final TestServer server;

  ApiClient(TestServer server) {
    this.server = server;
  }

  public HttpRequest.Builder request(String pathAndQuery, String... headers) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(server.uri(pathAndQuery)).timeout(REQUEST_TIMEOUT);
    if (headers.length % 2 != 0) {
      throw new IllegalArgumentException("headers are name/value pairs");
    }
    for (int i = 0; i < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
    }
    return builder;
  }

  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException, InterruptedException {
    return HTTP.send(request, handler);
  }

  /** PUT with a Content-Length. */
  public HttpResponse<String> put(String file, byte[] body, String... headers) throws IOException, InterruptedException {
    return send(request("/packages/" + file, headers).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
      HttpResponse.BodyHandlers.ofString());
  }

  /** PUT without a Content-Length: the JDK client sends a body of unknown length chunked. */
  public HttpResponse<String> putChunked(String file, byte[] body, String... headers) throws IOException, InterruptedException {
    return send(request("/packages/" + file, headers)
        .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
      HttpResponse.BodyHandlers.ofString());
  }

  /** A PUT that must succeed; returns the response's JSON. */
  public JsonObject upload(String file, byte[] body) throws IOException, InterruptedException {
    HttpResponse<String> response = put(file, body);
    assertEquals(200, response.statusCode(), () -> "PUT " + file + ": " + response.body());
    return new JsonObject(response.body());
  }

  public HttpResponse<byte[]> get(String file, String... headers) throws IOException, InterruptedException {
    return send(request("/packages/" + file, headers).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  public HttpResponse<InputStream> getStream(String file, String... headers) throws IOException, InterruptedException {
    return send(request("/packages/" + file, headers).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  public HttpResponse<byte[]> head(String file, String... headers) throws IOException, InterruptedException {
    return send(request("/packages/" + file, headers).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
      HttpResponse.BodyHandlers.ofByteArray());
  }

  public HttpResponse<String> delete(String file, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder builder = request("/packages/" + file).DELETE();
    for (int i = 0; i < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
    }
    return send(builder.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Any request with a text answer. */
  public HttpResponse<String> call(String method, String pathAndQuery) throws IOException, InterruptedException {
    return send(request(pathAndQuery).method(method, HttpRequest.BodyPublishers.noBody()).build(),
      HttpResponse.BodyHandlers.ofString());
  }

  /** {@code GET /packages<query>}, which must answer 200 with a JSON list. */
  public JsonArray listing(String query) throws IOException, InterruptedException {
    HttpResponse<String> response = call("GET", "/packages" + query);
    assertEquals(200, response.statusCode(), () -> "GET /packages" + query + ": " + response.body());
    return new JsonArray(response.body());
  }

  public JsonArray listing() throws IOException, InterruptedException {
    return listing("");
  }

  /** The readiness probe says the backend is away: 503 and why, in JSON; the liveness probe is still 200. */
  public static void assertNotReady(ApiClient api) throws IOException, InterruptedException {
    HttpResponse<String> response = api.call("GET", "/health/ready");
    assertEquals(503, response.statusCode(), response.body());
    JsonObject body = new JsonObject(response.body());
    assertEquals("DOWN", body.getString("status"), response.body());
    org.junit.jupiter.api.Assertions.assertTrue(body.getString("error").length() > 10, response.body());
    assertEquals(200, api.call("GET", "/health/live").statusCode());
  }
}
