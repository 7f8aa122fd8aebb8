package org.packagerepository.http;

/**
 * What uploads may do.
 *
 * @param allowOverwrite  {@code config.allow_overwrite}: whether a PUT may replace an existing package (else 409)
 * @param maxPackageBytes {@code config.max_package_size}: the largest package accepted, 0 for no limit; larger ones
 *                        get 413, up front from Content-Length, or as soon as a chunked body goes past it
 * @param bodyTimeoutMillis {@code config.body_timeout}: how long a body may take once it is being read, 0 for no
 *                        limit; a slower one gets 408 and nothing is stored
 */
record UploadPolicy(boolean allowOverwrite, long maxPackageBytes, long bodyTimeoutMillis) {

  boolean exceeds(long bytes) {
    return maxPackageBytes > 0 && bytes > maxPackageBytes;
  }

  String tooLarge(String what) {
    return what + " is larger than the limit of " + maxPackageBytes + " bytes (config.max_package_size)";
  }
}
