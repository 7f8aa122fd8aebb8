package org.packagerepository.cluster;

import io.vertx.core.json.JsonObject;
import org.packagerepository.storage.s3.S3TestStore;

/** The cluster contract over one S3 bucket (S3Proxy in the test's JVM). */
class ClusterS3Test extends ClusterContract {

  private S3TestStore store;

  @Override
  protected void startStore() throws Exception {
    store = S3TestStore.create();
  }

  @Override
  protected void stopStore() throws Exception {
    if (store != null) {
      store.close();
    }
  }

  @Override
  protected int storePort() {
    return store.port();
  }

  @Override
  protected void freshStorage() throws Exception {
    store.freshBucket();
  }

  @Override
  protected JsonObject section(int port, JsonObject cache) {
    JsonObject s3 = store.section("releases");
    s3.getJsonObject("S3Repository").getJsonObject("access").put("endpoint", "http://127.0.0.1:" + port);
    s3.getJsonObject("S3Repository").put("cache", cache);
    return s3;
  }

  @Override
  protected String storeGet(String file) {
    return "GET /" + store.bucket() + "/releases/" + file;
  }
}
