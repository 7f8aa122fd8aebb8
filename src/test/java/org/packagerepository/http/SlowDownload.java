package org.packagerepository.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A GET whose client reads the head of the answer and then nothing, until closed: with a package larger than the
 * sockets' buffers (32 MiB is plenty on loopback), the server holds the download in flight until the client goes.
 */
public final class SlowDownload implements AutoCloseable {

  private final Socket socket = new Socket();
  private final int status;

  /**
   * @param localAddress the loopback address the client connects from (127.0.0.x: another client)
   * @param headerLines  further request header lines, e.g. {@code "X-Forwarded-For: 10.0.0.1"}
   */
  public SlowDownload(int port, String localAddress, String target, String... headerLines) throws IOException {
    socket.setReceiveBufferSize(16 * 1024);
    socket.bind(new InetSocketAddress(localAddress, 0));
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setSoTimeout(15_000);
    StringBuilder request = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n");
    for (String line : headerLines) {
      request.append(line).append("\r\n");
    }
    OutputStream out = socket.getOutputStream();
    out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
    out.flush();
    this.status = Integer.parseInt(readHead(socket.getInputStream()).split(" ", 3)[1]);
  }

  public SlowDownload(int port, String target) throws IOException {
    this(port, "127.0.0.1", target);
  }

  /** The status of the answer, whose head has been read. */
  public int status() {
    return status;
  }

  /** Reads up to the blank line that ends a response's head. */
  static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.append((char) b);
    }
    return head.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
