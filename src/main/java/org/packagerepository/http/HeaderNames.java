package org.packagerepository.http;

import io.vertx.core.http.HttpHeaders;

/**
 * Header names that {@code io.vertx.core.http.HttpHeaders} lacks, made as it makes its own: the header maps look them
 * up and write them without hashing or encoding them again on every request.
 */
final class HeaderNames {

  static final CharSequence RANGE = HttpHeaders.createOptimized("Range");
  static final CharSequence IF_RANGE = HttpHeaders.createOptimized("If-Range");
  static final CharSequence IF_UNMODIFIED_SINCE = HttpHeaders.createOptimized("If-Unmodified-Since");
  static final CharSequence CHECKSUM_SHA256 = HttpHeaders.createOptimized("X-Checksum-Sha256");
  static final CharSequence CONTENT_DIGEST = HttpHeaders.createOptimized("Content-Digest");

  private HeaderNames() {
  }
}
