package org.packagerepository.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.packagerepository.packages.PackageFile;
import org.packagerepository.packages.PackageListing;
import org.packagerepository.storage.PackageInfo;
import org.packagerepository.storage.StorageClient;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code GET /packages[?recency=n][&detail=true]}. What storage lists is parsed and sorted once per generation of the
 * listing (names already parsed are looked up, not parsed again), and each rendering is kept for that generation.
 */
final class ListingHandler {

  /** A positive whole number; leading zeros are fine, as they were to the original's int(). */
  private static final Pattern POSITIVE = Pattern.compile("^0*[1-9][0-9]*$");

  /** Listings rendered for different parameters and kept for the current generation. */
  private static final int MAX_RENDERED = 16;

  private final StorageClient storage;
  /** The generation of the listing held here; confined to the verticle's event loop like the rest of this object. */
  private long generation;
  private List<PackageListing.Stored> sorted = List.of();
  /** The parsed names of the versions held now, by file name (null: not a package file name). */
  private Map<String, Optional<PackageFile>> parsed = new HashMap<>();
  private final Map<String, Buffer> rendered = new HashMap<>();

  ListingHandler(StorageClient storage) {
    this.storage = storage;
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
    storage.list(generation).onComplete(ar -> {
      if (ar.failed()) {
        HttpErrors.send(response, ar.cause());
        return;
      }
      StorageClient.Listing listing = ar.result();
      if (listing.objects() != null) {
        generation = listing.generation();
        sorted = sorted(listing.objects());
        rendered.clear();
      }
      Buffer body = rendered.get(key);
      if (body == null) {
        body = PackageListing.render(sorted, versions, detail).toBuffer();
        if (rendered.size() < MAX_RENDERED) {
          rendered.put(key, body);
        }
      }
      response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
    });
  }

  private List<PackageListing.Stored> sorted(List<PackageInfo> objects) {
    Map<String, Optional<PackageFile>> names = new HashMap<>(objects.size() * 2);
    List<PackageListing.Stored> versions = new ArrayList<>(objects.size());
    for (PackageInfo info : objects) {
      Optional<PackageFile> file = parsed.get(info.file());
      if (file == null) {
        file = PackageFile.parse(info.file());
      }
      names.put(info.file(), file);
      file.ifPresent(f -> versions.add(new PackageListing.Stored(f, info.size(), info.sha256(), info.modified())));
    }
    parsed = names;
    return PackageListing.sorted(versions);
  }
}
