package org.packagerepository.storage;

import io.vertx.core.json.JsonObject;

/**
 * What storage knows of one stored package.
 *
 * @param file     the package file name
 * @param size     its length in bytes
 * @param modified when it was last written, epoch milliseconds
 * @param etag     an opaque strong validator that changes whenever the content changes (not quoted)
 * @param sha256   the content's SHA-256 in lower-case hex, or {@code null} where the backend does not know it
 */
public record PackageInfo(String file, long size, long modified, String etag, String sha256) {

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("file", file).put("size", size).put("modified", modified).put("etag", etag);
    if (sha256 != null) {
      json.put("sha256", sha256);
    }
    return json;
  }

  public static PackageInfo fromJson(JsonObject json) {
    return new PackageInfo(json.getString("file"), json.getLong("size"), json.getLong("modified"),
      json.getString("etag"), json.getString("sha256"));
  }
}
