package org.packagerepository.storage.s3;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.packagerepository.storage.cache.RemoteCacheContract;

/** The read-through cache's contract on S3Proxy; each test has a bucket of its own. */
class S3CacheTest extends RemoteCacheContract {

  private static S3TestStore store;

  @BeforeAll
  static void startStore() throws Exception {
    store = S3TestStore.create();
  }

  @AfterAll
  static void stopStore() throws Exception {
    if (store != null) {
      store.close();
    }
  }

  @Override
  protected void freshStorage() throws Exception {
    store.freshBucket();
  }

  @Override
  protected int storePort() {
    return store.port();
  }

  @Override
  protected JsonObject config(int port, JsonObject cache) {
    JsonObject config = store.section("releases");
    JsonObject section = config.getJsonObject("S3Repository");
    section.getJsonObject("access").put("endpoint", "http://127.0.0.1:" + port);
    section.put("cache", cache);
    return config;
  }

  @Override
  protected String storeGet(String file) {
    return "GET /" + store.bucket() + "/releases/" + file;
  }

  @Override
  protected String storeListing() {
    return "GET /" + store.bucket() + "?";
  }

  @Override
  protected void writeBehindOurBack(String file, byte[] bytes) throws Exception {
    store.putDirectly("releases/" + file, bytes);
  }
}
