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
  private final Set<NetSocket> incoming = ConcurrentHashMap.newKeySet();
  private final Set<NetSocket> stalled = ConcurrentHashMap.newKeySet();
  private final java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
  private volatile long bytesPerSecond;
  private volatile long windowStart;
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

  /**
   * Stops reading what the clients of the connections open now send, without closing anything: a store that hangs.
   * New connections work.
   */
  void stallOpenConnections() {
    for (NetSocket socket : incoming) {
      stalled.add(socket);
      socket.pause();
    }
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

  /** Copies from one socket to the other with back-pressure; counts what clients send; a stalled client is not resumed. */
  private void forward(NetSocket from, NetSocket to, boolean fromClient) {
    from.handler(buffer -> {
      if (fromClient) {
        sent.addAndGet(buffer.length());
        long limit = bytesPerSecond;
        if (limit > 0 && sent.get() - windowStart > limit / 10) {
          // Over the rate: nothing more from this client until the next tenth of a second.
          windowStart = sent.get();
          from.pause();
          vertx.setTimer(100, id -> {
            if (!stalled.contains(from)) {
              from.resume();
            }
          });
        }
      }
      to.write(buffer);
      if (to.writeQueueFull()) {
        from.pause();
        to.drainHandler(v -> {
          if (!stalled.contains(from)) {
            from.resume();
          }
        });
      }
    });
    from.resume();
  }

  /** Lets clients send at most about {@code bytesPerSecond} (0: no limit): a slow store. */
  void limitRate(long bytesPerSecond) {
    this.bytesPerSecond = bytesPerSecond;
    windowStart = sent.get();
  }

  /** The bytes clients have sent through the forwarder so far. */
  long bytesSent() {
    return sent.get();
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
        incoming.add(in);
        in.closeHandler(v -> {
          open.remove(in);
          incoming.remove(in);
          out.close();
        });
        out.closeHandler(v -> {
          open.remove(out);
          in.close();
        });
        forward(in, out, true);
        forward(out, in, false);
      });
    });
    port = server.listen(on, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
