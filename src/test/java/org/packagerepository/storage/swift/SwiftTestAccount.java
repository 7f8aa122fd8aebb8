package org.packagerepository.storage.swift;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The test account ({@code test:tester}) of a {@link SwiftTestNode}, used directly, as another tool would: to put
 * objects behind the server's back, and to look at what the containers really hold.
 */
public final class SwiftTestAccount {

  private final SwiftTestNode node;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private String storageUrl;
  private String token;

  public SwiftTestAccount(SwiftTestNode node) {
    this.node = node;
  }

  /** A SwiftRepository section for v1 auth on the node, with {@code container} and {@code path}. */
  public JsonObject section(String container, String path) {
    String[] user = node.user().split(":");
    return new JsonObject()
      .put("access", new JsonObject().put("auth_url", node.authUrl()).put("account", user[0]).put("user", user[1])
        .put("key", node.key()))
      .put("container", new JsonObject().put("container", container).put("path", path));
  }

  public void put(String container, String name, byte[] bytes) throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/" + container + "/" + name))
      .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)));
    if (response.statusCode() == 404) {
      send(HttpRequest.newBuilder(uri("/" + container)).PUT(HttpRequest.BodyPublishers.noBody()));
      response = send(HttpRequest.newBuilder(uri("/" + container + "/" + name))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)));
    }
    check(response, "PUT " + container + "/" + name);
  }

  /**
   * Sets the account's {@code Temp-URL-Key}, which signs TempURLs (the node's proxy runs the {@code tempurl}
   * middleware), as an operator would: {@code swift post -m Temp-URL-Key:<key>}.
   */
  public void setTempUrlKey(String key) throws Exception {
    check(send(HttpRequest.newBuilder(uri("")).header("X-Account-Meta-Temp-URL-Key", key)
      .POST(HttpRequest.BodyPublishers.noBody())), "POST the account's Temp-URL-Key");
  }

  /** Every object name in {@code container} (none when it does not exist), following the pages. */
  public List<String> names(String container) throws Exception {
    List<String> names = new ArrayList<>();
    String marker = "";
    while (true) {
      HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/" + container + "?format=json&marker="
        + java.net.URLEncoder.encode(marker, java.nio.charset.StandardCharsets.UTF_8))).GET());
      if (response.statusCode() == 404 || response.statusCode() == 204 || response.body().isEmpty()) {
        return names;
      }
      check(response, "GET " + container);
      JsonArray page = new JsonArray(response.body());
      if (page.isEmpty()) {
        return names;
      }
      for (Object entry : page) {
        names.add(((JsonObject) entry).getString("name"));
      }
      marker = names.get(names.size() - 1);
    }
  }

  /** The bytes of an object, as another tool reads them; null when there is none. */
  public byte[] getDirectly(String container, String name) throws Exception {
    if (token == null) {
      login();
    }
    HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri("/" + container + "/" + name))
      .header("X-Auth-Token", token).timeout(Duration.ofSeconds(30)).GET().build(),
      HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() == 404) {
      return null;
    }
    if (response.statusCode() != 200) {
      throw new IOException("GET " + container + "/" + name + ": Swift answered " + response.statusCode());
    }
    return response.body();
  }

  public HttpResponse<String> head(String container, String name) throws Exception {
    return send(HttpRequest.newBuilder(uri("/" + container + "/" + name)).method("HEAD",
      HttpRequest.BodyPublishers.noBody()));
  }

  /** The segments (as {@code <container>/<name>}) of a Static Large Object, or none for a plain object. */
  Set<String> segmentsOf(String container, String name) throws Exception {
    Set<String> segments = new HashSet<>();
    if (!"True".equalsIgnoreCase(head(container, name).headers().firstValue("X-Static-Large-Object").orElse(""))) {
      return segments;
    }
    HttpResponse<String> manifest = send(HttpRequest.newBuilder(uri("/" + container + "/" + name
      + "?multipart-manifest=get")).GET());
    check(manifest, "GET the manifest of " + name);
    for (Object entry : new JsonArray(manifest.body())) {
      segments.add(((JsonObject) entry).getString("name").substring(1));
    }
    return segments;
  }

  /** Deletes {@code container} with everything in it; nothing when it does not exist. */
  public void deleteContainer(String container) throws Exception {
    for (String name : names(container)) {
      send(HttpRequest.newBuilder(uri("/" + container + "/" + name)).DELETE());
    }
    send(HttpRequest.newBuilder(uri("/" + container)).DELETE());
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    if (token == null) {
      login();
    }
    HttpResponse<String> response = http.send(request.copy().header("X-Auth-Token", token)
      .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() == 401) {   // a test revoked the tokens
      login();
      response = http.send(request.header("X-Auth-Token", token).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    }
    return response;
  }

  private void login() throws Exception {
    HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(node.authUrl()))
      .header("X-Auth-User", node.user()).header("X-Auth-Key", node.key()).timeout(Duration.ofSeconds(30)).build(),
      HttpResponse.BodyHandlers.discarding());
    storageUrl = response.headers().firstValue("X-Storage-Url").orElseThrow();
    token = response.headers().firstValue("X-Auth-Token").orElseThrow();
  }

  private URI uri(String path) throws Exception {
    if (storageUrl == null) {
      login();
    }
    return URI.create(storageUrl + path);
  }

  private static void check(HttpResponse<String> response, String what) throws IOException {
    if (response.statusCode() / 100 != 2) {
      throw new IOException(what + ": Swift answered " + response.statusCode() + " " + response.body());
    }
  }
}
