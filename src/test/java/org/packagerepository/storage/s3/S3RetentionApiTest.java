package org.packagerepository.storage.s3;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.packagerepository.http.RetentionApiContract;

import java.util.concurrent.atomic.AtomicInteger;

/** Retention on the S3 backend, against S3Proxy in-process: a new bucket and prefix per test. */
@DisplayName("retention on S3 (S3Proxy)")
class S3RetentionApiTest extends RetentionApiContract {

  private static final AtomicInteger TESTS = new AtomicInteger();

  private static S3TestStore store;

  private String prefix;

  @BeforeAll
  static void startStore() throws Exception {
    store = S3TestStore.create();
  }

  @AfterAll
  static void closeStore() throws Exception {
    if (store != null) {
      store.close();
    }
  }

  @Override
  protected JsonObject backendSection() throws Exception {
    store.start();
    store.freshBucket();
    prefix = "outer/inner-" + TESTS.incrementAndGet();
    return store.section(prefix);
  }

  @Override
  protected void putDirectly(String file, byte[] bytes) throws Exception {
    store.putDirectly(prefix + "/" + file, bytes);
  }

  @Override
  protected byte[] readDirectly(String file) throws Exception {
    return store.keys().contains(prefix + "/" + file) ? store.getDirectly(prefix + "/" + file) : null;
  }

  @Override
  protected void cleanUpStorage() {
    if (store != null) {
      store.deleteBucket();
    }
  }
}
