package org.packagerepository.storage.cache;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.packagerepository.config.ConfigException;
import org.packagerepository.transfer.TransferOptions;

/** Sets up how a remote backend's verticle reads: with its cache (opened, and checked, off the event loop) or without. */
public final class RemoteCache {

  private RemoteCache() {
  }

  public static Future<RemoteReads> open(Vertx vertx, Context context, CacheSettings settings, CachedReads.Store store,
                                         TransferOptions transferOptions) {
    if (!settings.enabled()) {
      return Future.succeededFuture(new RemoteReads(vertx, null, store, transferOptions));
    }
    return vertx.executeBlocking(() -> {
      try {
        return CacheDirectory.open(settings.path(), settings.maxBytes());
      } catch (java.io.IOException e) {
        throw new ConfigException("The cache directory " + settings.path().toAbsolutePath() + " cannot be used ("
          + e.getMessage() + "); set cache.path to a writable directory, or cache.enabled to false");
      }
    }, false).map(directory -> new RemoteReads(vertx, new CachedReads(context, directory, store), store,
      transferOptions));
  }
}
