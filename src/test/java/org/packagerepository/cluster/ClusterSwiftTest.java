package org.packagerepository.cluster;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.packagerepository.storage.swift.SwiftTestAccount;
import org.packagerepository.storage.swift.SwiftTestNode;

/** The cluster contract over one Swift container (a one-node Swift from Debian's packages). */
class ClusterSwiftTest extends ClusterContract {

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
  protected int storePort() {
    return node.proxyPort();
  }

  @Override
  protected void freshStorage() {
    container = "cluster" + ++containers;
  }

  @Override
  protected JsonObject section(int port, JsonObject cache) {
    JsonObject section = account.section(container, "releases").put("cache", cache);
    section.getJsonObject("access").put("auth_url", "http://127.0.0.1:" + port + "/auth/v1.0");
    return new JsonObject().put("SwiftRepository", section);
  }

  @Override
  protected String storeGet(String file) {
    return "GET /v1/AUTH_" + node.user().split(":")[0] + "/" + container + "/releases/" + file;
  }
}
