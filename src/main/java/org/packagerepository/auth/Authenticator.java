package org.packagerepository.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/**
 * Decides whether a request may do what it asks, from its {@code Authorization} header: {@code Bearer <token>}, or
 * HTTP Basic with the user name and the token as password ({@code curl -u deployer:TOKEN}). Hashes are compared in
 * constant time; nothing here blocks or allocates much, so it runs on the event loop before anything else, in
 * particular before {@code 100 Continue}.
 */
public final class Authenticator {

  /** The outcome: allowed (with the user, or null when anonymous), not authenticated (401) or not permitted (403). */
  public record Decision(Outcome outcome, String user, String reason) {
    public boolean allowed() {
      return outcome == Outcome.ALLOWED;
    }
  }

  public enum Outcome { ALLOWED, UNAUTHENTICATED, FORBIDDEN }

  /** What a 401 answers in {@code WWW-Authenticate}. */
  public static final String CHALLENGE = "Basic realm=\"package-repository\", Bearer realm=\"package-repository\"";

  private final boolean anonymousRead;
  private final Map<String, AuthSettings.User> byName = new HashMap<>();
  private final Map<String, AuthSettings.User> byTokenHash = new HashMap<>();

  public Authenticator(AuthSettings settings) {
    this.anonymousRead = settings.anonymousRead();
    for (AuthSettings.User user : settings.users()) {
      byName.put(user.name(), user);
      byTokenHash.put(HexFormat.of().formatHex(user.tokenHash()), user);
    }
  }

  /** How many downloads {@code user} may have in flight; 0 when the user has no limit of its own. */
  public int maxDownloads(String user) {
    AuthSettings.User known = byName.get(user);
    return known == null ? 0 : known.maxDownloads();
  }

  /** Whether the request with this {@code Authorization} header (or null) may have {@code permission}. */
  public Decision decide(String authorization, Permission permission) {
    if (authorization == null || authorization.isBlank()) {
      if (permission == Permission.READ && anonymousRead) {
        return new Decision(Outcome.ALLOWED, null, null);
      }
      return new Decision(Outcome.UNAUTHENTICATED, null, "no credentials");
    }
    AuthSettings.User user;
    String header = authorization.trim();
    int space = header.indexOf(' ');
    String scheme = space < 0 ? header : header.substring(0, space);
    String value = space < 0 ? "" : header.substring(space + 1).trim();
    switch (scheme.toLowerCase(Locale.ROOT)) {
      case "bearer" -> {
        // Looked up by its hash: the map sees only hashes, never a token.
        user = value.isEmpty() ? null : byTokenHash.get(HexFormat.of().formatHex(TokenHash.of(value)));
        if (user == null) {
          return new Decision(Outcome.UNAUTHENTICATED, null, "unknown bearer token");
        }
      }
      case "basic" -> {
        String decoded;
        try {
          decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          return new Decision(Outcome.UNAUTHENTICATED, null, "malformed Basic credentials");
        }
        int colon = decoded.indexOf(':');
        String name = colon < 0 ? decoded : decoded.substring(0, colon);
        AuthSettings.User named = byName.get(name);
        byte[] given = TokenHash.of(colon < 0 ? "" : decoded.substring(colon + 1));
        // Hash and compare even for an unknown user, so that timing does not tell which names exist.
        boolean matches = TokenHash.equal(given, named != null ? named.tokenHash() : new byte[given.length]);
        if (named == null || !matches) {
          return new Decision(Outcome.UNAUTHENTICATED, name, "wrong user name or token");
        }
        user = named;
      }
      default -> {
        return new Decision(Outcome.UNAUTHENTICATED, null, "unsupported scheme " + scheme);
      }
    }
    if (!user.permissions().contains(permission)) {
      return new Decision(Outcome.FORBIDDEN, user.name(), user.name() + " may not "
        + permission.name().toLowerCase(Locale.ROOT));
    }
    return new Decision(Outcome.ALLOWED, user.name(), null);
  }
}
