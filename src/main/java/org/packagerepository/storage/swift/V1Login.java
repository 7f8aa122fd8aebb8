package org.packagerepository.storage.swift;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import org.packagerepository.storage.StorageError;
import org.packagerepository.storage.StorageException;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A v1 login (tempauth, swauth): {@code GET <auth_url>} with {@code X-Auth-User} and {@code X-Auth-Key}; the answer's
 * {@code X-Storage-Url}, {@code X-Auth-Token} and {@code X-Auth-Token-Expires} (seconds) make the session.
 */
final class V1Login implements Supplier<Future<SwiftSession>> {

  /** When the answer does not say: Keystone's default lifetime. */
  static final long DEFAULT_LIFETIME_SECONDS = 3600;
  /** An authentication service that accepts a connection and never answers must not hold requests forever. */
  static final long DEFAULT_TIMEOUT_MS = 30_000;

  private final HttpClient client;
  private final String authUrl;
  private final String user;
  private final String key;
  private final long timeoutMs;

  /** @param user as sent in X-Auth-User: {@code account:user} when an account is configured */
  V1Login(HttpClient client, String authUrl, String user, String key) {
    this(client, authUrl, user, key, DEFAULT_TIMEOUT_MS);
  }

  V1Login(HttpClient client, String authUrl, String user, String key, long timeoutMs) {
    this.client = client;
    this.authUrl = authUrl;
    this.user = user;
    this.key = key;
    this.timeoutMs = timeoutMs;
  }

  @Override
  public Future<SwiftSession> get() {
    long sent = System.nanoTime();
    return client.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(authUrl).setTimeout(timeoutMs)
        .putHeader("X-Auth-User", user).putHeader("X-Auth-Key", key))
      .compose(request -> request.send().compose(response -> response.body().map(body -> response)))
      .recover(e -> Future.failedFuture(new StorageException(StorageError.UNAVAILABLE,
        "The Swift authentication service cannot be reached (" + authUrl + "): " + e.getMessage())))
      .compose(response -> {
        int status = response.statusCode();
        String storageUrl = response.getHeader("X-Storage-Url");
        String token = response.getHeader("X-Auth-Token");
        if (status / 100 != 2 || storageUrl == null || token == null) {
          return Future.failedFuture(new StorageException(StorageError.UNAVAILABLE, status == 401 || status == 403
            ? "Swift refused the credentials of " + user + " (" + status + "): check SwiftRepository.access"
            : "Swift authentication answered " + status + " without a token and a storage URL"));
        }
        long lifetime = DEFAULT_LIFETIME_SECONDS;
        String expires = response.getHeader("X-Auth-Token-Expires");
        if (expires != null) {
          try {
            lifetime = (long) Double.parseDouble(expires.trim());
          } catch (NumberFormatException e) {
            // keep the default
          }
        }
        return Future.succeededFuture(new SwiftSession(storageUrl, token, sent + TimeUnit.SECONDS.toNanos(lifetime)));
      });
  }
}
