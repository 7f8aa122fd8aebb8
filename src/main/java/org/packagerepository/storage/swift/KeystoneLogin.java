package org.packagerepository.storage.swift;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.packagerepository.storage.StorageError;
import org.packagerepository.storage.StorageException;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A Keystone password login, v3 ({@code POST <auth_url>/auth/tokens}, user and project each with a domain; the token
 * in {@code X-Subject-Token}) or v2.0 ({@code POST <auth_url>/tokens}, tenant name; the token in the body). The
 * storage URL is the catalog's {@code object-store} endpoint for the configured interface and region.
 */
final class KeystoneLogin implements Supplier<Future<SwiftSession>> {

  private final HttpClient client;
  private final SwiftSettings settings;

  KeystoneLogin(HttpClient client, SwiftSettings settings) {
    this.client = client;
    this.settings = settings;
  }

  @Override
  public Future<SwiftSession> get() {
    boolean v3 = settings.authVersion() == 3;
    String base = settings.authUrl().endsWith("/") ? settings.authUrl().substring(0, settings.authUrl().length() - 1)
      : settings.authUrl();
    String url = base + (v3 ? "/auth/tokens" : "/tokens");
    long sent = System.nanoTime();
    return client.request(new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
        .setTimeout(V1Login.DEFAULT_TIMEOUT_MS)
        .putHeader("Content-Type", "application/json").putHeader("Accept", "application/json"))
      // The body is asked for in the callback of the response itself: a callback further down the chain may run
      // after the body has gone by.
      .compose(request -> request.send((v3 ? v3Body() : v2Body()).toBuffer())
        .compose(response -> response.body().map(body -> new Reply(response, body))))
      .recover(e -> Future.failedFuture(new StorageException(StorageError.UNAVAILABLE,
        "Keystone cannot be reached (" + url + "): " + e.getMessage())))
      .compose(reply -> {
        try {
          return Future.succeededFuture(v3 ? v3Session(reply.response(), reply.body(), sent)
            : v2Session(reply.response(), reply.body(), sent));
        } catch (StorageException e) {
          return Future.failedFuture(e);
        } catch (RuntimeException e) {
          return Future.failedFuture(new StorageException(StorageError.UNAVAILABLE,
            "Keystone's answer could not be read: " + e.getMessage()));
        }
      });
  }

  private record Reply(HttpClientResponse response, Buffer body) {
  }

  private JsonObject v3Body() {
    JsonObject user = new JsonObject().put("name", settings.user())
      .put("domain", new JsonObject().put("name", settings.userDomain())).put("password", settings.key());
    return new JsonObject().put("auth", new JsonObject()
      .put("identity", new JsonObject().put("methods", new JsonArray().add("password"))
        .put("password", new JsonObject().put("user", user)))
      .put("scope", new JsonObject().put("project", new JsonObject().put("name", settings.account())
        .put("domain", new JsonObject().put("name", settings.projectDomain())))));
  }

  private JsonObject v2Body() {
    return new JsonObject().put("auth", new JsonObject().put("tenantName", settings.account())
      .put("passwordCredentials", new JsonObject().put("username", settings.user()).put("password", settings.key())));
  }

  private SwiftSession v3Session(HttpClientResponse response, Buffer body, long sent) {
    refuseUnlessOk(response, body);
    String token = response.getHeader("X-Subject-Token");
    JsonObject tokenJson = new JsonObject(body).getJsonObject("token");
    if (token == null || tokenJson == null) {
      throw unreadable("no X-Subject-Token or no token in the body");
    }
    List<String> seen = new ArrayList<>();
    for (Object service : tokenJson.getJsonArray("catalog", new JsonArray())) {
      JsonObject s = (JsonObject) service;
      if (!"object-store".equals(s.getString("type"))) {
        continue;
      }
      for (Object endpoint : s.getJsonArray("endpoints", new JsonArray())) {
        JsonObject e = (JsonObject) endpoint;
        String region = e.getString("region_id", e.getString("region", ""));
        seen.add(e.getString("interface") + "/" + region);
        if (settings.endpointInterface().equals(e.getString("interface")) && regionMatches(e)) {
          return new SwiftSession(e.getString("url"), token, expiry(tokenJson.getString("expires_at"), sent));
        }
      }
    }
    throw noEndpoint(seen);
  }

  private SwiftSession v2Session(HttpClientResponse response, Buffer body, long sent) {
    refuseUnlessOk(response, body);
    JsonObject access = new JsonObject(body).getJsonObject("access");
    JsonObject tokenJson = access == null ? null : access.getJsonObject("token");
    if (tokenJson == null || tokenJson.getString("id") == null) {
      throw unreadable("no access.token.id");
    }
    String key = settings.endpointInterface() + "URL";
    List<String> seen = new ArrayList<>();
    for (Object service : access.getJsonArray("serviceCatalog", new JsonArray())) {
      JsonObject s = (JsonObject) service;
      if (!"object-store".equals(s.getString("type"))) {
        continue;
      }
      for (Object endpoint : s.getJsonArray("endpoints", new JsonArray())) {
        JsonObject e = (JsonObject) endpoint;
        seen.add(e.getString("region", ""));
        if (e.getString(key) != null && regionMatches(e)) {
          return new SwiftSession(e.getString(key), tokenJson.getString("id"), expiry(tokenJson.getString("expires"), sent));
        }
      }
    }
    throw noEndpoint(seen);
  }

  private boolean regionMatches(JsonObject endpoint) {
    return settings.region().isEmpty() || settings.region().equals(endpoint.getString("region"))
      || settings.region().equals(endpoint.getString("region_id"));
  }

  private void refuseUnlessOk(HttpClientResponse response, Buffer body) {
    int status = response.statusCode();
    if (status / 100 != 2) {
      throw new StorageException(StorageError.UNAVAILABLE, status == 401 || status == 403
        ? "Keystone refused the credentials of " + settings.user() + " (" + status + "): check SwiftRepository.access"
        : "Keystone answered " + status);
    }
  }

  private StorageException noEndpoint(List<String> seen) {
    return new StorageException(StorageError.UNAVAILABLE, "Keystone's catalog has no object-store endpoint for interface "
      + settings.endpointInterface() + (settings.region().isEmpty() ? "" : " in region " + settings.region())
      + " (it has: " + seen + "); check SwiftRepository.access.interface and region_name");
  }

  private static StorageException unreadable(String what) {
    return new StorageException(StorageError.UNAVAILABLE, "Keystone's answer is not a token: " + what);
  }

  /** {@code sent} plus the token's remaining life, or an hour (Keystone's default) when it cannot be read. */
  private static long expiry(String expiresAt, long sent) {
    long lifeSeconds = 3600;
    if (expiresAt != null) {
      try {
        lifeSeconds = Instant.now().until(OffsetDateTime.parse(expiresAt).toInstant(), ChronoUnit.SECONDS);
      } catch (DateTimeParseException e) {
        try {
          lifeSeconds = Instant.now().until(Instant.parse(expiresAt + (expiresAt.endsWith("Z") ? "" : "Z")),
            ChronoUnit.SECONDS);
        } catch (DateTimeParseException ignored) {
          // keep the default
        }
      }
    }
    return sent + TimeUnit.SECONDS.toNanos(Math.max(0, lifeSeconds));
  }
}
