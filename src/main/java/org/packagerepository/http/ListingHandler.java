package org.packagerepository.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.packagerepository.packages.PackageListing;

import io.vertx.core.buffer.Buffer;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code GET /packages[?recency=n][&detail=true]}: the {@link CurrentListing}, each rendering kept for its generation.
 */
final class ListingHandler {

  /** A positive whole number; leading zeros are fine, as they were to the original's int(). */
  private static final Pattern POSITIVE = Pattern.compile("^0*[1-9][0-9]*$");

  /** Listings rendered for different parameters and kept for the current generation. */
  private static final int MAX_RENDERED = 16;

  private final CurrentListing current;
  /** The generation the renderings were made of. */
  private long generation = -1;
  private final Map<String, Buffer> rendered = new HashMap<>();

  ListingHandler(CurrentListing current) {
    this.current = current;
  }

  void list(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    String recencyParameter;
    String detailParameter;
    try {
      recencyParameter = request.getParam("recency");
      detailParameter = request.getParam("detail");
    } catch (IllegalArgumentException e) {
      // Vert.x decodes the query on first use, and throws on a malformed escape such as %zz.
      HttpErrors.send(response, 400, "The query string is not valid percent-encoding");
      return;
    }
    int recency = 1;
    if (recencyParameter != null) {
      if (!POSITIVE.matcher(recencyParameter).matches()) {
        HttpErrors.send(response, 400, "recency must be a positive whole number, not \"" + recencyParameter + "\"");
        return;
      }
      // More versions than any package has is the same as all of them.
      String digits = recencyParameter.replaceFirst("^0+", "");
      recency = digits.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(digits);
    }
    boolean detail = "true".equalsIgnoreCase(detailParameter) || "1".equals(detailParameter);
    String key = recency + (detail ? "d" : "");
    int versions = recency;
    current.get().onComplete(ar -> {
      if (ar.failed()) {
        HttpErrors.send(response, ar.cause());
        return;
      }
      CurrentListing.Snapshot listing = ar.result();
      if (listing.generation() != generation) {
        generation = listing.generation();
        rendered.clear();
      }
      Buffer body = rendered.get(key);
      if (body == null) {
        body = PackageListing.render(listing.sorted(), versions, detail).toBuffer();
        if (rendered.size() < MAX_RENDERED) {
          rendered.put(key, body);
        }
      }
      response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
    });
  }
}
