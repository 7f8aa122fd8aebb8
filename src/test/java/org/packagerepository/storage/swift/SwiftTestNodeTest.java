package org.packagerepository.storage.swift;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.packagerepository.http.TestBytes;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Swift the backend tests will run against is real and answers as NOTES.md says: tempauth v1 login, a container,
 * an object stored and read back byte for byte, a JSON listing, a Static Large Object assembled from segments.
 */
class SwiftTestNodeTest {

  private static SwiftTestNode node;
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void startSwift() throws Exception {
    node = SwiftTestNode.start();
  }

  @AfterAll
  static void stopSwift() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void tempauthObjectsListingsAndStaticLargeObjects() throws Exception {
    HttpResponse<Void> login = HTTP.send(HttpRequest.newBuilder(URI.create(node.authUrl()))
      .header("X-Auth-User", node.user()).header("X-Auth-Key", node.key()).GET().build(),
      HttpResponse.BodyHandlers.discarding());
    assertEquals(200, login.statusCode());
    String storage = login.headers().firstValue("x-storage-url").orElseThrow();
    String token = login.headers().firstValue("x-auth-token").orElseThrow();
    assertTrue(Long.parseLong(login.headers().firstValue("x-auth-token-expires").orElseThrow()) > 0);

    assertEquals(201, send("PUT", storage + "/packages", token, new byte[0]).statusCode());
    byte[] bytes = TestBytes.random(300_000, 1);
    assertEquals(201, send("PUT", storage + "/packages/app-1.0.0.tar.gz", token, bytes).statusCode());
    assertArrayEquals(bytes, send("GET", storage + "/packages/app-1.0.0.tar.gz", token, null).body());

    // A Static Large Object of two segments kept in another container; the manifest makes it appear whole.
    assertEquals(201, send("PUT", storage + "/segments", token, new byte[0]).statusCode());
    byte[] first = java.util.Arrays.copyOfRange(bytes, 0, 150_000);
    byte[] second = java.util.Arrays.copyOfRange(bytes, 150_000, 300_000);
    assertEquals(201, send("PUT", storage + "/segments/big/1", token, first).statusCode());
    assertEquals(201, send("PUT", storage + "/segments/big/2", token, second).statusCode());
    String manifest = "[{\"path\": \"/segments/big/1\", \"size_bytes\": 150000},"
      + " {\"path\": \"/segments/big/2\", \"size_bytes\": 150000}]";
    assertEquals(201, send("PUT", storage + "/packages/big-1.0.0.tar.gz?multipart-manifest=put", token,
      manifest.getBytes()).statusCode());
    assertArrayEquals(bytes, send("GET", storage + "/packages/big-1.0.0.tar.gz", token, null).body());

    String listing = new String(send("GET", storage + "/packages?format=json", token, null).body());
    for (String name : List.of("app-1.0.0.tar.gz", "big-1.0.0.tar.gz")) {
      assertTrue(listing.contains("\"name\": \"" + name + "\"") || listing.contains("\"name\":\"" + name + "\""), listing);
    }
  }

  private static HttpResponse<byte[]> send(String method, String url, String token, byte[] body) throws Exception {
    HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
      : HttpRequest.BodyPublishers.ofByteArray(body);
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("X-Auth-Token", token).method(method, publisher)
      .build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
