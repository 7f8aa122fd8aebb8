package org.packagerepository.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import org.packagerepository.events.PackageDeletion;
import org.packagerepository.packages.PackageFile;

/** {@code DELETE /packages/<file>}, with {@code If-Match} deleting only the version it names (RFC 9110 §13.1.1). */
final class DeleteHandler {

  private final PackageDeletion deletion;

  DeleteHandler(PackageDeletion deletion) {
    this.deletion = deletion;
  }

  void delete(HttpServerRequest request, String file) {
    HttpServerResponse response = request.response();
    if (!PackageFile.isValid(file)) {
      HttpErrors.send(response, 404, "No package named " + (file == null ? "that" : file));
      return;
    }
    deletion.delete(file, Preconditions.ifMatch(request.getHeader(HttpHeaders.IF_MATCH))).onComplete(ar -> {
      if (ar.failed()) {
        HttpErrors.send(response, ar.cause());
        return;
      }
      response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject().put("file", file).put("deleted", true).toBuffer());
    });
  }
}
