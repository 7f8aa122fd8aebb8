package org.packagerepository.storage.swift;

import io.vertx.core.json.JsonObject;
import org.packagerepository.config.ConfigException;
import org.packagerepository.config.Settings;
import org.packagerepository.storage.remote.RedirectSettings;

import java.net.URI;
import java.util.Locale;

/**
 * The {@code SwiftRepository} section of pr-config.json, whose {@code access} values are those of an OpenStack
 * openrc file ({@code OS_AUTH_URL}, {@code OS_USERNAME}, {@code OS_PASSWORD}, {@code OS_PROJECT_NAME}, ...).
 *
 * @param authUrl           {@code access.auth_url}
 * @param authVersion       1 (tempauth, swauth), 2 (Keystone v2.0) or 3 (Keystone v3): {@code access.auth_version}
 *                          when given, else read from the auth URL's path, else 3
 * @param account           {@code access.account}: the project (Keystone) or account (v1); may be empty
 * @param user              {@code access.user}
 * @param key               {@code access.key}: password (Keystone) or key (v1)
 * @param userDomain        {@code access.user_domain_name} (v3; default {@code Default})
 * @param projectDomain     {@code access.project_domain_name} (v3; default {@code Default})
 * @param region            {@code access.region_name}: which object-store endpoint of the catalog; empty for any
 * @param endpointInterface {@code access.interface}: {@code public} (default), {@code internal} or {@code admin}
 * @param container         {@code container.container}
 * @param prefix            {@code container.path} without leading or trailing slashes
 * @param segmentSize       {@code container.segment_size}: larger packages become Static Large Objects
 * @param timeoutMs         {@code access.timeout} (seconds, default 60) in milliseconds: how long Swift may take to answer,
 *                          or to take more bytes of an upload, before the request fails
 * @param orphanAgeMillis   {@code container.orphan_segment_age} (seconds, default a day) in milliseconds: segments that
 *                          no package uses are deleted once the newest of their upload is this old
 * @param pageSize          {@code container.page_size}: how many names one listing request asks for (Swift's maximum,
 *                          10,000, by default)
 * @param redirect          {@code redirect}: whether downloads may be redirected to a TempURL of the package's object
 * @param tempUrlKey        {@code redirect.temp_url_key}: the account's (or the container's) {@code Temp-URL-Key}, which
 *                          signs the TempURLs; required when redirecting
 */
public record SwiftSettings(String authUrl, int authVersion, String account, String user, String key,
                            String userDomain, String projectDomain, String region, String endpointInterface,
                            String container, String prefix, long segmentSize, long timeoutMs, long orphanAgeMillis,
                            int pageSize, RedirectSettings redirect, String tempUrlKey) {

  /** Swift stores at most 5 GiB + 2 bytes in one object. */
  public static final long DEFAULT_SEGMENT_SIZE = 5L * 1024 * 1024 * 1024 - 1024 * 1024;
  /** Swift answers at most 10,000 names a page (more is a 412). */
  public static final int MAX_PAGE_SIZE = 10_000;

  public static SwiftSettings fromJson(JsonObject section) {
    JsonObject access = section.getJsonObject("access", new JsonObject());
    JsonObject container = section.getJsonObject("container", new JsonObject());
    String authUrl = required(access, "auth_url", "access.auth_url", "the authentication URL (OS_AUTH_URL)");
    URI uri = Settings.httpUrl(authUrl);
    if (uri == null) {
      throw new ConfigException("SwiftRepository.access.auth_url is \"" + authUrl
        + "\"; use an http:// or https:// URL, e.g. https://keystone.example:5000/v3");
    }
    String interfaceName = Settings.string(access, "interface", "public").toLowerCase(Locale.ROOT);
    if (interfaceName.endsWith("url")) {
      interfaceName = interfaceName.substring(0, interfaceName.length() - 3);   // publicURL, as in older openrc files
    }
    if (!interfaceName.equals("public") && !interfaceName.equals("internal") && !interfaceName.equals("admin")) {
      throw new ConfigException("SwiftRepository.access.interface is \"" + interfaceName
        + "\"; use public, internal or admin");
    }
    long segmentSize = Settings.integer(container, "segment_size", DEFAULT_SEGMENT_SIZE,
      "SwiftRepository.container.segment_size", 1024 * 1024, 5L * 1024 * 1024 * 1024, "1 MiB (1048576) to 5 GiB");
    long pageSize = Settings.integer(container, "page_size", MAX_PAGE_SIZE, "SwiftRepository.container.page_size",
      1, MAX_PAGE_SIZE, "1 to " + MAX_PAGE_SIZE);
    long timeout = Settings.integer(access, "timeout", 60, "SwiftRepository.access.timeout", 1, 3600,
      "1 to 3600 (seconds)");
    long orphanAge = Settings.integer(container, "orphan_segment_age", 86_400,
      "SwiftRepository.container.orphan_segment_age", 0, Long.MAX_VALUE,
      "a number of seconds (default 86400, a day)");
    RedirectSettings redirect = RedirectSettings.fromJson(section, "SwiftRepository");
    String tempUrlKey = Settings.string(section.getJsonObject("redirect", new JsonObject()), "temp_url_key", "");
    if (redirect.enabled() && tempUrlKey.isEmpty()) {
      throw new ConfigException("SwiftRepository.redirect.temp_url_key is empty while redirect.enabled is true; set it "
        + "to the account's Temp-URL-Key (swift post -m Temp-URL-Key:<key>), or PR_SWIFT_TEMP_URL_KEY");
    }
    return new SwiftSettings(authUrl, authVersion(Settings.string(access, "auth_version", "").trim(), uri),
      Settings.string(access, "account", "").trim(),
      required(access, "user", "access.user", "the user name (OS_USERNAME)"),
      required(access, "key", "access.key", "the password or key (OS_PASSWORD)"),
      Settings.string(access, "user_domain_name", "Default"), Settings.string(access, "project_domain_name", "Default"),
      Settings.string(access, "region_name", "").trim(), interfaceName,
      required(container, "container", "container.container", "the container that holds the packages"),
      Settings.pathPrefix(Settings.string(container, "path", "")), segmentSize, timeout * 1000,
      orphanAge * 1000, (int) pageSize, redirect, tempUrlKey);
  }

  /** The container that holds the segments of large packages, apart from the packages (as python-swiftclient names it). */
  public String segmentContainer() {
    return container + "_segments";
  }

  /** What object names start with: the path and a slash, or nothing. */
  public String namePrefix() {
    return prefix.isEmpty() ? "" : prefix + "/";
  }

  /** What a v1 login sends as {@code X-Auth-User}: {@code account:user} when an account is set. */
  public String v1User() {
    return account.isEmpty() ? user : account + ":" + user;
  }

  static int authVersion(String given, URI authUrl) {
    switch (given) {
      case "1", "1.0":
        return 1;
      case "2", "2.0":
        return 2;
      case "3":
        return 3;
      case "":
        break;
      default:
        throw new ConfigException("SwiftRepository.access.auth_version is \"" + given + "\"; use 1, 2 or 3 (or leave it "
          + "empty to take it from the auth_url)");
    }
    String path = authUrl.getPath() == null ? "" : authUrl.getPath().toLowerCase(Locale.ROOT);
    if (path.matches(".*/v1(\\.0)?/?") || path.contains("/auth/v1")) {
      return 1;
    }
    if (path.matches(".*/v2(\\.0)?/?")) {
      return 2;
    }
    return 3;
  }

  private static String required(JsonObject group, String key, String name, String what) {
    String value = Settings.string(group, key, "").trim();
    if (value.isEmpty()) {
      throw new ConfigException("SwiftRepository." + name + " is empty; set it to " + what);
    }
    return value;
  }
}
