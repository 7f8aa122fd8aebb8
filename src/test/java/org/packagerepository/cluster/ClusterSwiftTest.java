package org.packagerepository.cluster;

import io.vertx.core.json.JsonObject;
import org.packagerepository.storage.swift.SwiftTestAccount;
import org.packagerepository.storage.swift.SwiftTestNode;

/** The cluster contract over one Swift container (a one-node Swift from Debian's packages). */
class ClusterSwiftTest extends ClusterContract {

  private SwiftTestNode node;
  private SwiftTestAccount account;
  private int containers;
  private String container;

  @Override
  protected void startStore() throws Exception {
    node = SwiftTestNode.start();
    account = new SwiftTestAccount(node);
  }

  @Override
  protected void stopStore() throws Exception {
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
