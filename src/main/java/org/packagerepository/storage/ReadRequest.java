package org.packagerepository.storage;

import io.vertx.core.json.JsonObject;

/**
 * A request to stream {@code length} bytes from {@code offset} of the version {@code etag} of a package on transfer
 * {@code transfer}, whose receiver the caller has already created.
 */
public record ReadRequest(String file, String etag, long offset, long length, String transfer) {

  public JsonObject toJson() {
    return new JsonObject().put("file", file).put("etag", etag).put("offset", offset).put("length", length)
      .put("transfer", transfer);
  }

  public static ReadRequest fromJson(JsonObject json) {
    return new ReadRequest(json.getString("file"), json.getString("etag"), json.getLong("offset"),
      json.getLong("length"), json.getString("transfer"));
  }
}
