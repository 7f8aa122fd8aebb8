package org.packagerepository.storage.swift;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A TCP port on 127.0.0.1 that forwards to another, and can be switched off (listener closed, every connection cut)
 * and on again on the same port: a store that goes away and comes back, while the store itself keeps running.
 */
final class TcpForwarder implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final NetClient client = vertx.createNetClient();
  private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
  private final int targetPort;
  private NetServer server;
  private int port;

  private TcpForwarder(int targetPort) {
    this.targetPort = targetPort;
  }

  static TcpForwarder to(int targetPort) throws Exception {
    TcpForwarder forwarder = new TcpForwarder(targetPort);
    forwarder.listen(0);
    return forwarder;
  }

  int port() {
    return port;
  }

  /** Stops listening and cuts every connection. */
  void stop() throws Exception {
    server.close().await(10, TimeUnit.SECONDS);
    for (NetSocket socket : open) {
      socket.close();
    }
  }

  /** Listens again on the same port. */
  void start() throws Exception {
    listen(port);
  }

  private void listen(int on) throws Exception {
    server = vertx.createNetServer().connectHandler(in -> {
      in.pause();
      client.connect(targetPort, "127.0.0.1").onComplete(ar -> {
        if (ar.failed()) {
          in.close();
          return;
        }
        NetSocket out = ar.result();
        open.add(in);
        open.add(out);
        in.closeHandler(v -> {
          open.remove(in);
          out.close();
        });
        out.closeHandler(v -> {
          open.remove(out);
          in.close();
        });
        in.pipeTo(out);
        out.pipeTo(in);
      });
    });
    port = server.listen(on, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
