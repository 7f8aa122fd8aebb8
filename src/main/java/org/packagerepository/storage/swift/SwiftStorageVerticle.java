package org.packagerepository.storage.swift;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import org.packagerepository.storage.PackageInfo;
import org.packagerepository.storage.StorageError;
import org.packagerepository.storage.StorageException;
import org.packagerepository.storage.remote.RemoteStorageVerticle;
import org.packagerepository.storage.remote.ResponseStream;
import org.packagerepository.storage.WriteRequest;
import org.packagerepository.storage.cache.CacheSettings;
import org.packagerepository.storage.remote.RemoteVersion;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The Swift backend's storage verticle: its own client on Vert.x's HTTP client, and the state of the namespace (the
 * order of changes to one package, the uploads in progress, what is known of recent versions) confined to this
 * verticle's event loop.
 */
final class SwiftStorageVerticle extends RemoteStorageVerticle<SwiftObjects.Stored, SwiftUpload> {

  /** Packages up to this size are held whole and sent with one PUT; larger ones stream. */
  static final long BUFFER_LIMIT = 4L * 1024 * 1024;
  /** A token is renewed this long before it expires, so that a request never starts with one about to expire. */
  static final long RENEW_BEFORE_NANOS = TimeUnit.SECONDS.toNanos(60);
  /** How often segments that no package uses are looked for (and once at start). */
  static final long SWEEP_PERIOD_MS = TimeUnit.HOURS.toMillis(1);

  private final SwiftSettings settings;
  private final SwiftPaths paths;
  /** Downloads streaming now, by package and entity tag. */
  private final Map<String, Integer> reading = new HashMap<>();
  /** Segments of versions no longer published, deleted once their last download here ends. */
  private final Map<String, List<String>> retiredWhileRead = new HashMap<>();
  private Future<Void> containers;
  private HttpClient http;
  private SwiftClient swift;
  private SegmentCleaner cleaner;
  private SegmentSweeper sweeper;
  /** Null unless downloads may be redirected. */
  private final TempUrl tempUrl;

  SwiftStorageVerticle(SwiftSettings settings, CacheSettings cacheSettings) {
    super(cacheSettings);
    this.settings = settings;
    this.paths = new SwiftPaths(settings);
    this.tempUrl = settings.redirect().enabled() ? new TempUrl(settings.tempUrlKey()) : null;
  }

  @Override
  protected Future<Void> connect() {
    // Bodies in chunks of up to 64 KiB, as the socket gives them, not Netty's 8 KiB: each chunk is a message of the
    // transfer and a write of the cache fill.
    http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(10_000).setKeepAliveTimeout(30)
        .setMaxChunkSize(64 * 1024),
      // Each download holds a connection while it streams: hundreds may run at once.
      new PoolOptions().setHttp1MaxSize(1024));
    Supplier<Future<SwiftSession>> login = settings.authVersion() == 1
      ? new V1Login(http, settings.authUrl(), settings.v1User(), settings.key())
      : new KeystoneLogin(http, settings);
    swift = new SwiftClient(vertx, http, new SwiftAuth(login, RENEW_BEFORE_NANOS), settings.timeoutMs());
    cleaner = new SegmentCleaner(vertx, swift, paths);
    sweeper = new SegmentSweeper(swift, paths, settings, cleaner, settings.orphanAgeMillis(),
      id -> uploadsInProgress().stream().anyMatch(upload -> upload.id().equals(id)));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> start() {
    return super.start().onSuccess(v -> {
      // In the background: the server answers meanwhile.
      sweeper.sweep();
      vertx.setPeriodic(SWEEP_PERIOD_MS, id -> sweeper.sweep());
    });
  }

  @Override
  protected Future<?> disconnect() {
    sweeper.stop();
    return http.close();
  }

  @Override
  protected Future<List<PackageInfo>> list() {
    return listPage(null, new ArrayList<>());
  }

  private Future<List<PackageInfo>> listPage(String marker, List<PackageInfo> collected) {
    String prefix = settings.namePrefix();
    String query = "?format=json" + SwiftPaths.query("limit", Integer.toString(settings.pageSize()))
      + SwiftPaths.query("delimiter", "/") + SwiftPaths.query("prefix", prefix)
      + (marker == null ? "" : SwiftPaths.query("marker", marker));
    return swift.send(HttpMethod.GET, paths.container() + query, null, null, "the listing").compose(answer -> {
      if (answer.status() == 404) {
        return Future.succeededFuture(collected);   // no container yet: the first upload creates it
      }
      if (answer.status() == 204 || answer.status() / 100 == 2 && answer.body().length() == 0) {
        return Future.succeededFuture(collected);
      }
      if (answer.status() / 100 != 2) {
        return Future.failedFuture(SwiftErrors.status(answer.status(), "the listing"));
      }
      JsonArray page = new JsonArray(answer.body());
      String last = null;
      for (Object item : page) {
        JsonObject entry = (JsonObject) item;
        String name = entry.getString("name");
        if (name == null) {
          last = entry.getString("subdir");   // a "directory" below the path: not a package
          continue;
        }
        last = name;
        String file = name.substring(prefix.length());
        String storeEtag = SwiftObjects.storeEtag(entry);
        String sha256 = knownSha256(file, storeEtag);
        collected.add(new PackageInfo(file, entry.getLong("bytes", 0L),
          SwiftObjects.listedModified(entry.getString("last_modified")), SwiftObjects.etag(sha256, storeEtag), sha256));
      }
      if (page.size() >= settings.pageSize() && last != null) {
        return listPage(last, collected);
      }
      return Future.succeededFuture(collected);
    });
  }

  @Override
  protected Future<SwiftObjects.Stored> head(String file) {
    return swift.send(HttpMethod.HEAD, paths.object(file), null, null, file).compose(answer ->
      answer.status() / 100 == 2 ? Future.succeededFuture(SwiftObjects.fromHeaders(file, answer.headers()))
        : Future.failedFuture(SwiftErrors.status(answer.status(), file)));
  }

  /** Swift answers for the container; a container not created yet is fine (the first upload creates it). */
  @Override
  protected Future<Void> checkHealth() {
    return swift.send(HttpMethod.HEAD, paths.container(), null, null, "the container").compose(answer ->
      answer.status() / 100 == 2 || answer.status() == 404 ? Future.<Void>succeededFuture()
        : Future.<Void>failedFuture(SwiftErrors.status(answer.status(), "the container")));
  }

  /** Bytes {@code [offset, offset + length)} of version {@code etag}: a ranged GET whose version is checked. */
  @Override
  protected Future<ReadStream<Buffer>> fetch(String file, String etag, long offset, long length) {
    MultiMap range = MultiMap.caseInsensitiveMultiMap().add("Range", "bytes=" + offset + "-" + (offset + length - 1));
    return swift.get(paths.object(file), range, file).compose(response -> {
      if (response.statusCode() == 200 && (offset != 0
        || !Long.toString(length).equals(response.getHeader("Content-Length")))) {
        SwiftClient.discard(response);   // the whole object instead of the range asked for
        return Future.failedFuture(new StorageException(StorageError.INTERNAL, "Swift ignored the range of " + file));
      }
      if (response.statusCode() != 206 && response.statusCode() != 200) {
        SwiftClient.discard(response);
        if (response.statusCode() == 404 || response.statusCode() == 416) {
          forget(file);
          return Future.failedFuture(response.statusCode() == 404 ? SwiftErrors.status(404, file) : versionChanged(file));
        }
        return Future.failedFuture(SwiftErrors.status(response.statusCode(), file));
      }
      String served = SwiftObjects.etag(SwiftObjects.sha256Of(response.headers()),
        RemoteVersion.unquote(response.getHeader("Etag")));
      if (!served.equals(etag)) {
        SwiftClient.discard(response);
        // What was known of it is out of date: the caller's next try must ask Swift.
        forget(file);
        return Future.failedFuture(versionChanged(file));
      }
      String version = file + "\n" + etag;
      reading.merge(version, 1, Integer::sum);
      return Future.succeededFuture(new ResponseStream(response, () -> {
        if (reading.merge(version, -1, Integer::sum) == 0) {
          reading.remove(version);
          List<String> retired = retiredWhileRead.remove(version);
          if (retired != null) {
            cleaner.delete(retired);
          }
        }
      }));
    });
  }

  /**
   * A TempURL of the package's object on the storage URL of the current session, valid
   * {@code redirect.expires_seconds}. It works once the account (or the container) has {@code redirect.temp_url_key}
   * as its {@code Temp-URL-Key} and the proxy runs the {@code tempurl} middleware.
   */
  @Override
  protected Future<String> redirect(String file) {
    if (tempUrl == null) {
      return Future.succeededFuture();
    }
    long expires = System.currentTimeMillis() / 1000 + settings.redirect().expiresSeconds();
    return swift.session().map(session -> tempUrl.sign(session.storageUrl() + paths.object(file), expires));
  }

  @Override
  protected Future<SwiftUpload> begin(WriteRequest request) {
    return Future.succeededFuture(new SwiftUpload(context, swift, paths, request.file(), request.expectedSha256(),
      request.expectedSize(), settings.segmentSize(), BUFFER_LIMIT, this::containers, () -> containers = null, cleaner));
  }

  @Override
  protected Future<PackageInfo> commit(WriteRequest request, SwiftUpload upload, SwiftObjects.Stored current,
                                       String sha256) {
    String file = request.file();
    Future<List<String>> replaced = current != null && current.largeObject() ? segmentsOf(file)
      : Future.succeededFuture(List.of());
    return replaced.compose(oldSegments -> upload.commit(sha256).map(storeEtag -> {
      remember(file, storeEtag, sha256);
      // The old version's segments are no longer part of any package.
      retire(file, current == null ? "" : current.info().etag(), oldSegments);
      return new PackageInfo(file, upload.written(), System.currentTimeMillis(), sha256, sha256);
    }));
  }

  @Override
  protected Future<Buffer> readState(String name) {
    return swift.send(HttpMethod.GET, paths.stateObject(name), null, null, "the state " + name).compose(answer -> {
      if (answer.status() == 404) {
        return Future.succeededFuture(null);
      }
      return answer.status() / 100 == 2 ? Future.succeededFuture(answer.body())
        : Future.failedFuture(SwiftErrors.status(answer.status(), "the state " + name));
    });
  }

  /** One PUT of the whole object (a few KiB): Swift publishes it whole. */
  @Override
  protected Future<Void> writeState(String name, Buffer bytes) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json");
    return containers().compose(v -> swift.send(HttpMethod.PUT, paths.stateObject(name), headers, List.of(bytes),
      "the state " + name)).compose(answer -> {
        if (answer.status() == 404) {
          containers = null;   // deleted behind this server's back: created again next time
        }
        return answer.status() / 100 == 2 ? Future.<Void>succeededFuture()
          : Future.<Void>failedFuture(SwiftErrors.status(answer.status(), "the state " + name));
      });
  }

  /** The manifest alone goes first, which unpublishes the package; then its segments. */
  @Override
  protected Future<Void> remove(String file, SwiftObjects.Stored current) {
    forgetChecksum(file);
    Future<List<String>> segments = current.largeObject() ? segmentsOf(file) : Future.succeededFuture(List.of());
    return segments.compose(names -> swift.send(HttpMethod.DELETE, paths.object(file), null, null, file)
      .compose(answer -> answer.status() / 100 == 2 ? retire(file, current.info().etag(), names)
        : Future.failedFuture(SwiftErrors.status(answer.status(), file))));
  }

  /** Answered once the segments are gone, but not later than Swift's timeout should it be slow to delete them. */
  @Override
  protected long cancelWaitMillis() {
    return settings.timeoutMs();
  }

  @Override
  protected StorageException storageError(Throwable e) {
    return new StorageException(StorageError.INTERNAL, "The Swift backend failed: " + e.getMessage(), e);
  }

  /**
   * Deletes the segments of a version that is no longer published, once no download of it streams from this server
   * (Swift reads the segments of a large object one after the other while it sends it). Completes after the first try
   * when they can go at once.
   */
  private Future<Void> retire(String file, String etag, List<String> segments) {
    if (segments.isEmpty()) {
      return Future.succeededFuture();
    }
    String version = file + "\n" + etag;
    if (reading.containsKey(version)) {
      retiredWhileRead.merge(version, new ArrayList<>(segments), (a, b) -> {
        a.addAll(b);
        return a;
      });
      return Future.succeededFuture();
    }
    return cleaner.delete(segments);
  }

  /** The segment names (in the segment container) of the Static Large Object {@code file}. */
  private Future<List<String>> segmentsOf(String file) {
    return swift.send(HttpMethod.GET, paths.object(file) + "?multipart-manifest=get", null, null, file).map(answer -> {
      List<String> names = new ArrayList<>();
      if (answer.status() / 100 == 2) {
        String start = "/" + settings.segmentContainer() + "/";
        for (Object item : new JsonArray(answer.body())) {
          String name = ((JsonObject) item).getString("name", "");
          if (name.startsWith(start)) {
            names.add(name.substring(start.length()));
          }
        }
      }
      return names;
    });
  }

  /** Creates the package and segment containers, once (PUT of a container is idempotent); again after a failure. */
  private Future<Void> containers() {
    if (containers == null || containers.failed()) {
      containers = createContainer(paths.container()).compose(v -> createContainer(paths.segmentContainer()));
    }
    return containers;
  }

  private Future<Void> createContainer(String path) {
    return swift.send(HttpMethod.PUT, path, null, List.of(), path).compose(answer -> answer.status() / 100 == 2
      ? Future.<Void>succeededFuture() : Future.failedFuture(SwiftErrors.status(answer.status(), "container " + path)));
  }


}
