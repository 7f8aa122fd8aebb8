package org.packagerepository.cluster;

/**
 * The cluster secret on a member's HTTP request to another: the time, and the HMAC of the request line and that time.
 * A request whose HMAC is wrong, or whose time is more than {@value #MAX_SKEW_SECONDS} s off, is refused.
 */
public final class PeerAuth {

  static final long MAX_SKEW_SECONDS = 300;

  private PeerAuth() {
  }

  /** The value of {@link ClusterAuth#HEADER} for a request. */
  static String sign(ClusterAuth auth, String method, String path) {
    long now = System.currentTimeMillis() / 1000;
    return now + ":" + auth.sign(method + " " + path + " " + now);
  }

  /** Whether {@code header} (the value of {@link ClusterAuth#HEADER}) is a fresh signature of this request. */
  public static boolean verify(ClusterAuth auth, String method, String path, String header) {
    int colon = header == null ? -1 : header.indexOf(':');
    if (colon < 1) {
      return false;
    }
    long at;
    try {
      at = Long.parseLong(header.substring(0, colon));
    } catch (NumberFormatException e) {
      return false;
    }
    long now = System.currentTimeMillis() / 1000;
    return Math.abs(now - at) <= MAX_SKEW_SECONDS
      && auth.verify(method + " " + path + " " + at, header.substring(colon + 1));
  }
}
