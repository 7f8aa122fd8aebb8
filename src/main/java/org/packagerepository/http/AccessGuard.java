package org.packagerepository.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import org.packagerepository.auth.Authenticator;
import org.packagerepository.auth.Permission;

/**
 * Lets a request through only with the permission it needs, when authentication is configured: otherwise answers
 * 401 (with the challenge) or 403 at once, before a handler reads any of it; an upload refused so never gets
 * {@code 100 Continue}. Refusals are logged with the user name and the reason, never a secret.
 */
final class AccessGuard {

  private static final System.Logger LOG = System.getLogger(AccessGuard.class.getName());

  private final Authenticator authenticator;

  /** @param authenticator null when authentication is off: everything is let through */
  AccessGuard(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  /** What a request needs: reading for GET and HEAD, writing for PUT, deleting for DELETE. */
  static Permission needed(HttpMethod method) {
    if (method == HttpMethod.PUT) {
      return Permission.WRITE;
    }
    return method == HttpMethod.DELETE ? Permission.DELETE : Permission.READ;
  }

  /** A router handler that lets a request on only with {@code permission}. */
  Handler<RoutingContext> requiring(Permission permission) {
    return ctx -> {
      if (admits(ctx, permission)) {
        ctx.next();
      }
    };
  }

  /** A router handler that lets a request on only with the permission its method {@link #needed needs}. */
  Handler<RoutingContext> requiringWhatTheMethodNeeds() {
    return ctx -> {
      if (admits(ctx, needed(ctx.request().method()))) {
        ctx.next();
      }
    };
  }

  /** Whether the request may go on (noting its user for the access log); if not, it has been answered. */
  boolean admits(RoutingContext ctx, Permission permission) {
    // With authentication off, no view of the routing context is made for every request.
    return authenticator == null || admits(Exchange.of(ctx), permission);
  }

  /** Whether the request may go on (noting its user for the access log); if not, it has been answered. */
  boolean admits(Exchange exchange, Permission permission) {
    if (authenticator == null) {
      return true;
    }
    HttpServerRequest request = exchange.request();
    Authenticator.Decision decision = authenticator.decide(request.getHeader(HttpHeaders.AUTHORIZATION), permission);
    if (decision.allowed()) {
      if (decision.user() != null) {
        exchange.user(decision.user());
      }
      return true;
    }
    boolean unauthenticated = decision.outcome() == Authenticator.Outcome.UNAUTHENTICATED;
    LOG.log(System.Logger.Level.WARNING, "Refused " + request.method() + " " + request.path() + " from "
      + request.remoteAddress() + (decision.user() != null ? " as " + decision.user() : "") + ": "
      + decision.reason());
    int status = unauthenticated ? 401 : 403;
    String message = unauthenticated
      ? "Authentication required: send Authorization: Bearer <token>, or Basic with your user name and token"
      : "Not permitted: " + decision.reason();
    if (unauthenticated) {
      request.response().putHeader("WWW-Authenticate", Authenticator.CHALLENGE);
    }
    if (request.method() == HttpMethod.PUT) {
      UploadHandler.refuse(request, status, message);
    } else {
      HttpErrors.send(request.response(), status, message);
    }
    return false;
  }
}
