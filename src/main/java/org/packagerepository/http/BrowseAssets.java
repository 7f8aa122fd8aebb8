package org.packagerepository.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The stylesheet and script of the browse pages, read from the server's own jar once. Their addresses carry a hash
 * of their content, so that browsers may keep them for good and still get a new one after an upgrade.
 */
final class BrowseAssets {

  static final String PREFIX = "/assets/";

  private record Asset(Buffer content, String type, String version) {
  }

  private static final Map<String, Asset> ASSETS = Map.of(
    "browse.css", load("browse.css", "text/css; charset=utf-8"),
    "browse.js", load("browse.js", "text/javascript; charset=utf-8"));

  private BrowseAssets() {
  }

  /** Where the pages find them. */
  static BrowsePages.Assets addresses() {
    return new BrowsePages.Assets(address("browse.css"), address("browse.js"));
  }

  static void serve(RoutingContext ctx) {
    String name = ctx.request().path().substring(PREFIX.length());
    Asset asset = ASSETS.get(name);
    if (asset == null) {
      HttpErrors.send(ctx.response(), 404, "Nothing here: the API is under /packages");
      return;
    }
    boolean current = asset.version().equals(ctx.request().getParam("v"));
    ctx.response()
      .putHeader(HttpHeaders.CONTENT_TYPE, asset.type())
      .putHeader(HttpHeaders.CACHE_CONTROL, current ? "public, max-age=31536000, immutable" : "no-cache")
      .putHeader("X-Content-Type-Options", "nosniff")
      .end(asset.content());
  }

  private static String address(String name) {
    return PREFIX + name + "?v=" + ASSETS.get(name).version();
  }

  private static Asset load(String name, String type) {
    try (InputStream in = BrowseAssets.class.getResourceAsStream("/browse/" + name)) {
      if (in == null) {
        throw new IllegalStateException("The server's jar lacks browse/" + name);
      }
      // A few kilobytes of the server's own, never a package.
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      in.transferTo(out);
      byte[] bytes = out.toByteArray();
      String version = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 6);
      return new Asset(Buffer.buffer(bytes), type, version);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
