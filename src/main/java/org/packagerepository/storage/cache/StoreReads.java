package org.packagerepository.storage.cache;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import org.packagerepository.storage.OpenedRead;
import org.packagerepository.storage.PackageInfo;

/** Reads with the cache off: every read streams from the store. */
final class StoreReads extends RemoteReads {

  private final Store store;

  StoreReads(Vertx vertx, Store store) {
    super(vertx);
    this.store = store;
  }

  @Override
  public Future<OpenedRead> open(PackageInfo info) {
    return Future.succeededFuture(new OpenedRead(info));
  }

  @Override
  public Future<OpenedRead> follow(PackageInfo info) {
    return Future.succeededFuture();
  }

  @Override
  Future<ReadStream<Buffer>> stream(PackageInfo info, long offset, long length) {
    return store.fetch(info.file(), info.etag(), offset, length);
  }

  @Override
  public Future<Void> changed(String file) {
    return Future.succeededFuture();
  }

  @Override
  public JsonObject counters() {
    return new JsonObject().put("cache", new JsonObject().put("enabled", false));
  }

  @Override
  public void close() {
  }
}
