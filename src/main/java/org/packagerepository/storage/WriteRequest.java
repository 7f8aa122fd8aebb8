package org.packagerepository.storage;

import io.vertx.core.json.JsonObject;

/**
 * An upload about to be streamed on transfer {@code transfer}.
 *
 * @param file           the package file name (already validated by the caller, validated again by storage)
 * @param transfer       the id of the transfer whose sender the caller has already created
 * @param expectedSize   the announced length, or -1 when unknown (chunked)
 * @param expectedSha256 the SHA-256 the client announced (lower-case hex), or null
 * @param createOnly     fail with {@link StorageError#PRECONDITION_FAILED} if the package exists
 * @param ifMatch        fail with {@link StorageError#PRECONDITION_FAILED} unless the package exists with this etag; or null
 * @param overwrite      whether an existing package may be replaced ({@link StorageError#ALREADY_EXISTS} if not)
 */
public record WriteRequest(String file, String transfer, long expectedSize, String expectedSha256,
                           boolean createOnly, String ifMatch, boolean overwrite) {

  /** The same upload, streamed on {@code transfer}. */
  public WriteRequest withTransfer(String transfer) {
    return new WriteRequest(file, transfer, expectedSize, expectedSha256, createOnly, ifMatch, overwrite);
  }

  public JsonObject toJson() {
    return new JsonObject().put("file", file).put("transfer", transfer).put("expectedSize", expectedSize)
      .put("expectedSha256", expectedSha256).put("createOnly", createOnly).put("ifMatch", ifMatch)
      .put("overwrite", overwrite);
  }

  public static WriteRequest fromJson(JsonObject json) {
    return new WriteRequest(json.getString("file"), json.getString("transfer"), json.getLong("expectedSize", -1L),
      json.getString("expectedSha256"), json.getBoolean("createOnly", false), json.getString("ifMatch"),
      json.getBoolean("overwrite", true));
  }
}
