package org.packagerepository.storage.s3;

import io.vertx.core.json.JsonObject;
import org.packagerepository.config.ConfigException;
import org.packagerepository.config.Settings;
import org.packagerepository.storage.remote.RedirectSettings;

import java.net.URI;

/**
 * The {@code S3Repository} section of pr-config.json.
 *
 * @param region       {@code access.region}; us-east-1 when empty (the SDK needs one, S3-compatible stores ignore it)
 * @param accessKey    {@code access.access_key}; empty (with the secret) for the default AWS credential chain
 * @param secretKey    {@code access.secret_access_key}
 * @param endpoint     {@code access.endpoint}: an S3-compatible store (MinIO, Ceph, S3Proxy), or null for AWS
 * @param pathStyle    {@code access.path_style}: bucket in the path instead of the host name (default: true with an
 *                     endpoint, false on AWS)
 * @param bucket       {@code container.bucket}
 * @param prefix       {@code container.path} without leading or trailing slashes: packages are the objects
 *                     {@code <prefix>/<file>} (or {@code <file>} when empty)
 * @param partSize     bytes per multipart part, and the largest package sent in one PUT
 * @param orphanAgeMillis {@code container.orphan_upload_age} (seconds, default a day) in milliseconds: multipart
 *                     uploads and checksum objects that a server killed during an upload left, older than this, are
 *                     removed
 * @param redirect     {@code redirect}: whether downloads may be redirected to a presigned URL of the package's object
 */
public record S3Settings(String region, String accessKey, String secretKey, URI endpoint, boolean pathStyle,
                         String bucket, String prefix, int partSize, long orphanAgeMillis,
                         RedirectSettings redirect) {

  public static final String DEFAULT_REGION = "us-east-1";
  /** S3's smallest part (but the last); each upload buffers at most one part while another is sent. */
  public static final int DEFAULT_PART_SIZE = 8 * 1024 * 1024;
  static final int MIN_PART_SIZE = 5 * 1024 * 1024;

  public static S3Settings fromJson(JsonObject section) {
    JsonObject access = section.getJsonObject("access", new JsonObject());
    JsonObject container = section.getJsonObject("container", new JsonObject());
    String bucket = Settings.string(container, "bucket", "").trim();
    if (bucket.isEmpty()) {
      throw new ConfigException("S3Repository.container.bucket is empty; set it to the bucket that holds the packages");
    }
    String accessKey = Settings.string(access, "access_key", "").trim();
    String secretKey = Settings.string(access, "secret_access_key", "").trim();
    if (accessKey.isEmpty() != secretKey.isEmpty()) {
      throw new ConfigException("S3Repository.access needs both access_key and secret_access_key, or neither (then the "
        + "default AWS credential chain is used)");
    }
    String endpointText = Settings.string(access, "endpoint", "").trim();
    URI endpoint = endpointText.isEmpty() ? null : Settings.httpUrl(endpointText);
    if (!endpointText.isEmpty() && endpoint == null) {
      throw new ConfigException("S3Repository.access.endpoint is \"" + endpointText
        + "\"; use an http:// or https:// URL, e.g. http://minio:9000");
    }
    String region = Settings.string(access, "region", "").trim();
    long partSize = Settings.integer(container, "part_size", DEFAULT_PART_SIZE, "S3Repository.container.part_size",
      MIN_PART_SIZE, 1024L * 1024 * 1024, "5 MiB (5242880) to 1 GiB");
    long orphanAge = Settings.integer(container, "orphan_upload_age", 86_400, "S3Repository.container.orphan_upload_age",
      0, Long.MAX_VALUE / 1000, "a number of seconds (default 86400, a day)");
    return new S3Settings(region.isEmpty() ? DEFAULT_REGION : region, accessKey, secretKey, endpoint,
      Settings.bool(access, "path_style", endpoint != null, "S3Repository.access.path_style"),
      bucket, Settings.pathPrefix(Settings.string(container, "path", "")), (int) partSize, orphanAge * 1000,
      RedirectSettings.fromJson(section, "S3Repository"));
  }

  /** The object key of a package. */
  String key(String file) {
    return prefix.isEmpty() ? file : prefix + "/" + file;
  }

  /** The prefix that lists the packages: {@code <prefix>/}, or empty. */
  String listPrefix() {
    return prefix.isEmpty() ? "" : prefix + "/";
  }

  /** Where the server keeps its state object {@code name}: beside the packages, never listed, never a package name. */
  String stateKey(String name) {
    return listPrefix() + ".state/" + name + ".json";
  }

  /**
   * Where the SHA-256 of a package uploaded in parts without it announced is kept, under the id its metadata names:
   * beside the packages, never listed, never a package name. By package, so that one whose package is gone shows in a
   * listing.
   */
  String checksumKey(String file, String id) {
    return checksumsPrefix() + file + "/" + id;
  }

  /** The prefix of every checksum object. */
  String checksumsPrefix() {
    return listPrefix() + ".checksums/";
  }
}
