package org.packagerepository.storage.s3;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.packagerepository.storage.remote.RedirectContract;

import java.util.List;

/** Downloads redirected to presigned URLs of S3Proxy (SigV4 query authentication); each test has a bucket of its own. */
class S3RedirectTest extends RedirectContract {

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
  protected JsonObject config(JsonObject redirect) {
    JsonObject config = store.section("releases");
    config.getJsonObject("S3Repository").put("redirect", redirect);
    return config;
  }

  @Override
  protected List<Integer> refusedByTheStore() {
    return List.of(403);
  }
}
