package org.packagerepository.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import org.packagerepository.packages.PackageListing;
import org.packagerepository.storage.PackageInfo;
import org.packagerepository.storage.StorageClient;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** {@code GET /packages[?recency=n][&detail=true]}. */
final class ListingHandler {

  private static final Pattern POSITIVE = Pattern.compile("^[1-9][0-9]*$");

  private final StorageClient storage;

  ListingHandler(StorageClient storage) {
    this.storage = storage;
  }

  void list(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    String recencyParameter = request.getParam("recency");
    int recency = 1;
    if (recencyParameter != null) {
      if (!POSITIVE.matcher(recencyParameter).matches()) {
        HttpErrors.send(response, 400, "recency must be a positive whole number, not \"" + recencyParameter + "\"");
        return;
      }
      // More versions than any package has is the same as all of them.
      recency = recencyParameter.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(recencyParameter);
    }
    boolean detail = "true".equalsIgnoreCase(request.getParam("detail")) || "1".equals(request.getParam("detail"));
    int versions = recency;
    storage.list().onComplete(ar -> {
      if (ar.failed()) {
        HttpErrors.send(response, ar.cause());
        return;
      }
      List<JsonObject> objects = new ArrayList<>(ar.result().size());
      for (PackageInfo info : ar.result()) {
        objects.add(info.toJson());
      }
      response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(PackageListing.build(objects, versions, detail).toBuffer());
    });
  }
}
