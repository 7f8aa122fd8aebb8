package org.packagerepository.storage.swift;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.packagerepository.http.RetentionApiContract;

import java.util.concurrent.atomic.AtomicInteger;

/** Retention on the Swift backend, against a real one-node Swift: a new container and path per test. */
@DisplayName("retention on OpenStack Swift")
class SwiftRetentionApiTest extends RetentionApiContract {

  private static final AtomicInteger TESTS = new AtomicInteger();

  private static SwiftTestNode node;
  private static SwiftTestAccount account;

  private String container;
  private String prefix;

  @BeforeAll
  static void startSwift() throws Exception {
    node = SwiftTestNode.start();
    account = new SwiftTestAccount(node);
  }

  @AfterAll
  static void stopSwift() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  @Override
  protected JsonObject backendSection() {
    int test = TESTS.incrementAndGet();
    container = "retention-" + test;
    prefix = "outer/inner-" + test;
    return new JsonObject().put("SwiftRepository", account.section(container, prefix));
  }

  @Override
  protected void putDirectly(String file, byte[] bytes) throws Exception {
    account.put(container, prefix + "/" + file, bytes);
  }

  @Override
  protected byte[] readDirectly(String file) throws Exception {
    return account.getDirectly(container, prefix + "/" + file);
  }

  @Override
  protected void cleanUpStorage() throws Exception {
    if (container != null) {
      account.deleteContainer(container);
      account.deleteContainer(container + "_segments");
    }
  }
}
