package org.packagerepository.storage.swift;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.packagerepository.storage.cache.RemoteCacheContract;

/** The read-through cache's contract on a one-node Swift; each test has a container of its own. */
class SwiftCacheTest extends RemoteCacheContract {

  private static SwiftTestNode node;
  private static SwiftTestAccount account;
  private static int containers;
  private String container;

  @BeforeAll
  static void startNode() throws Exception {
    node = SwiftTestNode.start();
    account = new SwiftTestAccount(node);
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  @Override
  protected void freshStorage() {
    container = "cached" + ++containers;
  }

  @Override
  protected int storePort() {
    return node.proxyPort();
  }

  @Override
  protected JsonObject config(int port, JsonObject cache) {
    JsonObject section = account.section(container, "releases").put("cache", cache);
    section.getJsonObject("access").put("auth_url", "http://127.0.0.1:" + port + "/auth/v1.0");
    return new JsonObject().put("SwiftRepository", section);
  }

  private String accountPath() {
    return "/v1/AUTH_" + node.user().split(":")[0] + "/";
  }

  @Override
  protected String storeGet(String file) {
    return "GET " + accountPath() + container + "/releases/" + file;
  }

  @Override
  protected String storeListing() {
    return "GET " + accountPath() + container + "?";
  }

  @Override
  protected void writeBehindOurBack(String file, byte[] bytes) throws Exception {
    account.put(container, "releases/" + file, bytes);
  }
}
