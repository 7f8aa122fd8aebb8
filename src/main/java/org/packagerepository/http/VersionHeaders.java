package org.packagerepository.http;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import org.packagerepository.storage.PackageInfo;

/**
 * The headers that describe a version of a package ({@code ETag}, {@code Last-Modified}, {@code X-Checksum-Sha256}),
 * made for the version last described and kept while the same version is asked for again: during a deploy one version
 * is most of the requests, and its values are then quoted, formatted and encoded once instead of on every answer.
 * Confined to one event loop.
 */
final class VersionHeaders {

  private static final CharSequence CONTENT_TYPE = HttpHeaders.createOptimized(DownloadHandler.CONTENT_TYPE);
  private static final CharSequence BYTES = HttpHeaders.createOptimized("bytes");

  private PackageInfo info;
  private CharSequence etag;
  private CharSequence modified;
  private CharSequence sha256;

  /** What a {@code 304} carries: only what updates a cache (RFC 9110 §15.4.5). */
  void validators(MultiMap headers, PackageInfo version) {
    of(version);
    headers.set(HttpHeaders.ETAG, etag).set(HttpHeaders.LAST_MODIFIED, modified);
  }

  /** What every answer with the version's bytes, or about them, carries. */
  void describe(MultiMap headers, PackageInfo version) {
    of(version);
    headers.set(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE)
      .set(HttpHeaders.ACCEPT_RANGES, BYTES)
      .set(HttpHeaders.ETAG, etag)
      .set(HttpHeaders.LAST_MODIFIED, modified);
    if (sha256 != null) {
      headers.set(HeaderNames.CHECKSUM_SHA256, sha256);
    }
  }

  private void of(PackageInfo version) {
    // Storage hands the same object for a version it keeps open; another object of the same version is compared.
    if (version != info && !version.equals(info)) {
      etag = HttpHeaders.createOptimized(Preconditions.quote(version.etag()));
      modified = HttpHeaders.createOptimized(Preconditions.httpDate(version.modified()));
      sha256 = version.sha256() == null ? null : HttpHeaders.createOptimized(version.sha256());
      info = version;
    }
  }
}
