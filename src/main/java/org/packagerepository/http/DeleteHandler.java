package org.packagerepository.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import org.packagerepository.events.PackageEvents;
import org.packagerepository.packages.PackageFile;
import org.packagerepository.storage.StorageClient;

/** {@code DELETE /packages/<file>}, with {@code If-Match} deleting only the version it names (RFC 9110 §13.1.1). */
final class DeleteHandler {

  private final StorageClient storage;

  private final PackageEvents events;

  DeleteHandler(StorageClient storage, PackageEvents events) {
    this.storage = storage;
    this.events = events;
  }

  void delete(HttpServerRequest request, String file) {
    HttpServerResponse response = request.response();
    if (!PackageFile.isValid(file)) {
      HttpErrors.send(response, 404, "No package named " + (file == null ? "that" : file));
      return;
    }
    storage.delete(file, Preconditions.ifMatch(request.getHeader(HttpHeaders.IF_MATCH))).onComplete(ar -> {
      if (ar.failed()) {
        HttpErrors.send(response, ar.cause());
        return;
      }
      response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject().put("file", file).put("deleted", true).toBuffer());
      events.deleted(file);
    });
  }
}
