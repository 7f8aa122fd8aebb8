package org.packagerepository.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.packagerepository.packages.PackageFile;
import org.packagerepository.packages.PackageListing;
import org.packagerepository.storage.StorageClient;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * The pages for people: {@code /} lists every package with its newest version, {@code /browse/<name>} shows one
 * package's versions with their checksums and the commands that fetch them. The list of all packages is rendered once
 * per generation of the listing (and gzipped, off the event loop, for clients that take it), so that 10,000 packages
 * cost a buffer write per view; a filtered list and the package pages are rendered at each request. Used from one
 * event loop.
 */
final class BrowseHandler {

  static final String PAGE_PREFIX = "/browse/";
  /** The most versions of a package page whose checksum storage is asked for. */
  static final int MAX_ASKED = 100;
  /** Where a browser's idea of the host comes from; anything else in the Host header is not echoed into commands. */
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?");
  private static final String NAME_CHARACTERS = "[A-Za-z0-9._+\\-]+";
  /**
   * No script but the page's own file, no style but its stylesheet, no frame, no form posting elsewhere: were anything
   * ever to slip through the escaping, the browser would not run it.
   */
  private static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

  private final Vertx vertx;
  private final StorageClient storage;
  private final CurrentListing current;
  private final BrowsePages pages;
  /** Whether reading needs credentials: then the download commands name the user, and curl or wget asks for the token. */
  private final boolean readNeedsCredentials;
  /** The proxies whose {@code X-Forwarded-Proto} and {@code X-Forwarded-Host} say the address the browser used. */
  private final TrustedProxies proxies;

  /** The list of all packages of {@link #generation}, rendered, and gzipped once that is done. */
  private long generation = -1;
  private List<BrowsePages.Summary> summaries = List.of();
  private int versionCount;
  private Buffer rendered;
  private Buffer gzipped;

  BrowseHandler(Vertx vertx, StorageClient storage, CurrentListing current, BrowsePages pages,
                boolean readNeedsCredentials, TrustedProxies proxies) {
    this.vertx = vertx;
    this.storage = storage;
    this.current = current;
    this.pages = pages;
    this.readNeedsCredentials = readNeedsCredentials;
    this.proxies = proxies;
  }

  void index(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    String filter;
    try {
      filter = ctx.request().getParam("q");
    } catch (IllegalArgumentException e) {
      HttpErrors.send(response, 400, "The query string is not valid percent-encoding");
      return;
    }
    String wanted = filter == null || filter.isBlank() ? null : filter.strip();
    current.get().onComplete(ar -> {
      if (ar.failed()) {
        HttpErrors.send(response, ar.cause());
        return;
      }
      refresh(ar.result());
      if (wanted == null) {
        boolean gzip = gzipped != null && acceptsGzip(ctx.request());
        if (gzip) {
          response.putHeader(HttpHeaders.CONTENT_ENCODING, "gzip");
        }
        send(response, 200, gzip ? gzipped : rendered);
        return;
      }
      String lower = wanted.toLowerCase(Locale.ROOT);
      List<BrowsePages.Summary> matching = new ArrayList<>();
      for (BrowsePages.Summary summary : summaries) {
        if (summary.newest().file().name().toLowerCase(Locale.ROOT).contains(lower)) {
          matching.add(summary);
        }
      }
      send(response, 200, Buffer.buffer(pages.index(matching, summaries.size(), versionCount, wanted)));
    });
  }

  void packagePage(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    HttpServerResponse response = request.response();
    String name = PackagePath.percentDecode(request.path().substring(PAGE_PREFIX.length()));
    if (!PackageFile.isValidName(name)) {
      send(response, 404, Buffer.buffer(pages.notFound(name == null ? "" : name)));
      return;
    }
    current.get().compose(listing -> withChecksums(versionsOf(listing.sorted(), name))).onComplete(ar -> {
      if (ar.failed()) {
        HttpErrors.send(response, ar.cause());
        return;
      }
      List<PackageListing.Stored> versions = ar.result();
      if (versions.isEmpty()) {
        send(response, 404, Buffer.buffer(pages.notFound(name)));
        return;
      }
      send(response, 200, Buffer.buffer(pages.packagePage(name, versions, commands(ctx))));
    });
  }

  private void refresh(CurrentListing.Snapshot listing) {
    if (listing.generation() == generation && rendered != null) {
      return;
    }
    generation = listing.generation();
    List<BrowsePages.Summary> newest = new ArrayList<>();
    PackageListing.Stored first = null;
    PackageListing.Stored previous = null;
    int count = 0;
    int versions = 0;
    for (PackageListing.Stored stored : listing.sorted()) {
      if (previous != null && previous.file().equals(stored.file())) {
        continue;   // the same file listed twice: next to each other in listing order
      }
      if (first == null || !first.file().name().equals(stored.file().name())) {
        if (first != null) {
          newest.add(new BrowsePages.Summary(first, count));
        }
        first = stored;
        count = 0;
      }
      count++;
      versions++;
      previous = stored;
    }
    if (first != null) {
      newest.add(new BrowsePages.Summary(first, count));
    }
    summaries = newest;
    versionCount = versions;
    rendered = Buffer.buffer(pages.index(summaries, summaries.size(), versions, null));
    gzipped = null;
    Buffer plain = rendered;
    long of = generation;
    vertx.executeBlocking(() -> gzip(plain), false).onSuccess(compressed -> {
      if (generation == of) {
        gzipped = compressed;
      }
    });
  }

  /** The versions of {@code name} in listing order (newest first), each file once. */
  private static List<PackageListing.Stored> versionsOf(List<PackageListing.Stored> sorted, String name) {
    List<PackageListing.Stored> versions = new ArrayList<>();
    // Sorted by name first: the versions of one name are together.
    int low = 0;
    int high = sorted.size();
    while (low < high) {
      int middle = (low + high) >>> 1;
      if (sorted.get(middle).file().name().compareTo(name) < 0) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    for (int i = low; i < sorted.size() && sorted.get(i).file().name().equals(name); i++) {
      PackageListing.Stored stored = sorted.get(i);
      if (versions.isEmpty() || !versions.get(versions.size() - 1).file().equals(stored.file())) {
        versions.add(stored);
      }
    }
    return versions;
  }

  /**
   * The versions with their SHA-256 where the listing did not have it: storage tells (the file system computes it once;
   * a remote store is asked, a request per version, its answers kept for a while). Only the newest
   * {@link #MAX_ASKED} are asked for, so that a package with hundreds of versions costs a bounded number of requests.
   */
  private Future<List<PackageListing.Stored>> withChecksums(List<PackageListing.Stored> versions) {
    List<Future<PackageListing.Stored>> completed = new ArrayList<>(versions.size());
    for (PackageListing.Stored version : versions) {
      if (version.sha256() != null || completed.size() >= MAX_ASKED) {
        completed.add(Future.succeededFuture(version));
      } else {
        completed.add(storage.stat(version.file().fileName())
          .map(info -> new PackageListing.Stored(version.file(), info.size(), info.sha256(), info.modified()))
          .otherwise(version));
      }
    }
    return Future.all(completed).map(all -> {
      List<PackageListing.Stored> result = new ArrayList<>(versions.size());
      for (Future<PackageListing.Stored> future : completed) {
        result.add(future.result());
      }
      return result;
    });
  }

  /**
   * The commands as the person reading the page would type them: the address the browser used (as a trusted proxy
   * forwards it: a proxy that terminates TLS speaks plain HTTP to this server), and their user name if one is needed.
   */
  private BrowsePages.Commands commands(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String scheme = request.isSSL() ? "https" : "http";
    String host = request.getHeader(HttpHeaders.HOST);
    if (!proxies.isEmpty() && request.remoteAddress() != null && proxies.trusts(request.remoteAddress().hostAddress())) {
      String forwardedProto = nearest(request.getHeader("X-Forwarded-Proto"));
      if ("https".equalsIgnoreCase(forwardedProto) || "http".equalsIgnoreCase(forwardedProto)) {
        scheme = forwardedProto.toLowerCase(Locale.ROOT);
      }
      String forwardedHost = nearest(request.getHeader("X-Forwarded-Host"));
      if (forwardedHost != null && HOST.matcher(forwardedHost).matches()) {
        host = forwardedHost;
      }
    }
    if (host == null || !HOST.matcher(host).matches()) {
      host = "localhost:" + request.localAddress().port();
    }
    String user = null;
    if (readNeedsCredentials) {
      String known = Exchange.of(ctx).user();
      user = known != null && known.matches(NAME_CHARACTERS) ? known : "USER";
    }
    return new BrowsePages.Commands(scheme + "://" + host, user);
  }

  /** The value the nearest proxy added to a forwarded header (the last of a list), or null. */
  private static String nearest(String header) {
    if (header == null) {
      return null;
    }
    String last = header.substring(header.lastIndexOf(',') + 1).trim();
    return last.isEmpty() ? null : last;
  }

  private static void send(HttpServerResponse response, int status, Buffer page) {
    response.setStatusCode(status)
      .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
      .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
      .putHeader(HttpHeaders.VARY, "Accept-Encoding, Authorization")
      .putHeader("Content-Security-Policy", POLICY)
      .putHeader("X-Content-Type-Options", "nosniff")
      .putHeader("Referrer-Policy", "same-origin")
      .end(page);
  }

  private static boolean acceptsGzip(HttpServerRequest request) {
    String accepted = request.getHeader(HttpHeaders.ACCEPT_ENCODING);
    return accepted != null && accepted.toLowerCase(Locale.ROOT).contains("gzip");
  }

  private static Buffer gzip(Buffer plain) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(plain.length() / 6 + 64);
    try (GZIPOutputStream out = new GZIPOutputStream(bytes, 64 * 1024)) {
      out.write(plain.getBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Buffer.buffer(bytes.toByteArray());
  }
}
