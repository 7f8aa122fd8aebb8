package org.packagerepository.http;

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
public final class TcpForwarder implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final NetClient client = vertx.createNetClient();
  private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
  private final Set<NetSocket> incoming = ConcurrentHashMap.newKeySet();
  private final Set<NetSocket> stalled = ConcurrentHashMap.newKeySet();
  private final java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
  private final Throttle clientRate = new Throttle();
  private final Throttle targetRate = new Throttle();
  private final java.util.Map<String, java.util.concurrent.atomic.AtomicLong> sentCounts =
    new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Map<NetSocket, String> tails = new java.util.concurrent.ConcurrentHashMap<>();
  private final int targetPort;
  private NetServer server;
  private int port;

  private TcpForwarder(int targetPort) {
    this.targetPort = targetPort;
  }

  public static TcpForwarder to(int targetPort) throws Exception {
    TcpForwarder forwarder = new TcpForwarder(targetPort);
    forwarder.listen(0);
    return forwarder;
  }

  public int port() {
    return port;
  }

  /**
   * Stops reading what the clients of the connections open now send, without closing anything: a store that hangs.
   * New connections work.
   */
  public void stallOpenConnections() {
    for (NetSocket socket : incoming) {
      stalled.add(socket);
      socket.pause();
    }
  }

  /** Stops listening and cuts every connection. */
  public void stop() throws Exception {
    server.close().await(10, TimeUnit.SECONDS);
    for (NetSocket socket : open) {
      socket.close();
    }
  }

  /** Listens again on the same port. */
  public void start() throws Exception {
    listen(port);
  }

  /**
   * Copies from one socket to the other with back-pressure and the direction's rate limit; counts what clients send; a
   * stalled client is not resumed.
   */
  private void forward(NetSocket from, NetSocket to, boolean fromClient) {
    from.handler(buffer -> {
      long total = (fromClient ? sent : received).addAndGet(buffer.length());
      if (fromClient) {
        if (!sentCounts.isEmpty()) {
          // ISO-8859-1: one char per byte, so that text split across two reads is found in tail + this read.
          String text = tails.getOrDefault(from, "") + buffer.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
          int longest = 0;
          for (java.util.Map.Entry<String, java.util.concurrent.atomic.AtomicLong> counted : sentCounts.entrySet()) {
            String needle = counted.getKey();
            longest = Math.max(longest, needle.length());
            for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
              // Found before in the tail: only matches that end in this read count.
              if (at + needle.length() > text.length() - buffer.length()) {
                counted.getValue().incrementAndGet();
              }
            }
          }
          tails.put(from, text.substring(Math.max(0, text.length() - longest + 1)));
        }
      }
      if ((fromClient ? clientRate : targetRate).isOver(total)) {
        // Over the rate: nothing more from this side until the next tenth of a second.
        from.pause();
        vertx.setTimer(100, id -> {
          if (!stalled.contains(from)) {
            from.resume();
          }
        });
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

  /** Lets clients send at most about {@code bytesPerSecond} (0: no limit): a store slow to take uploads. */
  public void limitRate(long bytesPerSecond) {
    clientRate.limit(bytesPerSecond, sent.get());
  }

  /** Lets the target answer at most about {@code bytesPerSecond} (0: no limit): a store slow to send. */
  public void limitResponseRate(long bytesPerSecond) {
    targetRate.limit(bytesPerSecond, received.get());
  }

  /** A rate limit of one direction, over all connections, measured per tenth of a second. */
  private static final class Throttle {
    private volatile long bytesPerSecond;
    private volatile long windowStart;

    void limit(long bytesPerSecond, long total) {
      this.bytesPerSecond = bytesPerSecond;
      windowStart = total;
    }

    /** Whether {@code total} bytes exceed the rate; if so a new window starts. */
    boolean isOver(long total) {
      long limit = bytesPerSecond;
      if (limit > 0 && total - windowStart > limit / 10) {
        windowStart = total;
        return true;
      }
      return false;
    }
  }

  /**
   * How many times clients have sent {@code text} (e.g. a request line's start, {@code "GET /bucket/key"}) so far. Text
   * split across reads is found too; a package's bytes containing it by chance are too unlikely to matter.
   */
  public int timesSent(String text) {
    return (int) sentCounts.computeIfAbsent(text, t -> new java.util.concurrent.atomic.AtomicLong()).get();
  }

  /** Starts counting {@code text} in what clients send; {@link #timesSent} reads the count. */
  public void count(String text) {
    sentCounts.putIfAbsent(text, new java.util.concurrent.atomic.AtomicLong());
  }

  /** The bytes clients have sent through the forwarder so far. */
  public long bytesSent() {
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
