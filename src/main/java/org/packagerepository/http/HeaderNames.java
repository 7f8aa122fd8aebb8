package org.packagerepository.http;

/** Header names that {@code io.vertx.core.http.HttpHeaders} lacks. */
final class HeaderNames {

  static final String RANGE = "Range";
  static final String IF_RANGE = "If-Range";
  static final String IF_UNMODIFIED_SINCE = "If-Unmodified-Since";
  static final String CHECKSUM_SHA256 = "X-Checksum-Sha256";
  static final String CONTENT_DIGEST = "Content-Digest";

  private HeaderNames() {
  }
}
