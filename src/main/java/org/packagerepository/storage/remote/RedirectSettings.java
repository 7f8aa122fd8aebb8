package org.packagerepository.storage.remote;

import io.vertx.core.json.JsonObject;
import org.packagerepository.config.ConfigException;
import org.packagerepository.config.Settings;

/**
 * The {@code redirect} group of a remote backend's section ({@code S3Repository.redirect},
 * {@code SwiftRepository.redirect}): whether downloads may be sent to the store itself, with a short-lived signed URL
 * of the package's object, instead of through this server.
 *
 * @param enabled              {@code redirect.enabled}, default false
 * @param expiresSeconds       {@code redirect.expires_seconds}: how long a signed URL works, default 300
 * @param aboveActiveDownloads {@code redirect.above_active_downloads}: redirect only while more downloads than this are
 *                             in flight on the server; 0 (the default) redirects every download
 */
public record RedirectSettings(boolean enabled, long expiresSeconds, long aboveActiveDownloads) {

  public static final long DEFAULT_EXPIRES_SECONDS = 300;
  /** SigV4 presigned URLs work for at most 7 days; the same bound holds for Swift's TempURLs here. */
  public static final long MAX_EXPIRES_SECONDS = 7 * 24 * 3600;
  public static final long DEFAULT_ABOVE_ACTIVE_DOWNLOADS = 0;

  /** Redirects nothing. */
  public static final RedirectSettings OFF = new RedirectSettings(false, DEFAULT_EXPIRES_SECONDS,
    DEFAULT_ABOVE_ACTIVE_DOWNLOADS);

  public static RedirectSettings fromJson(JsonObject section, String sectionName) {
    JsonObject redirect = section.getJsonObject("redirect", new JsonObject());
    boolean enabled = Settings.bool(redirect, "enabled", false, sectionName + ".redirect.enabled");
    long expires = Settings.integer(redirect, "expires_seconds", DEFAULT_EXPIRES_SECONDS,
      sectionName + ".redirect.expires_seconds");
    if (expires < 1 || expires > MAX_EXPIRES_SECONDS) {
      throw new ConfigException(sectionName + ".redirect.expires_seconds is " + expires + "; use 1 to "
        + MAX_EXPIRES_SECONDS + " (seconds; a signed URL works for at most 7 days)");
    }
    long above = Settings.integer(redirect, "above_active_downloads", DEFAULT_ABOVE_ACTIVE_DOWNLOADS,
      sectionName + ".redirect.above_active_downloads");
    if (above < 0) {
      throw new ConfigException(sectionName + ".redirect.above_active_downloads is " + above
        + "; use 0 (redirect every download) or more");
    }
    return new RedirectSettings(enabled, expires, above);
  }

  /**
   * What {@link org.packagerepository.storage.StorageBackend#redirectAbove} answers: -1 when off, else the number of
   * downloads in flight above which downloads are redirected (0: all of them).
   */
  public long threshold() {
    return enabled ? aboveActiveDownloads : -1;
  }
}
