package org.packagerepository.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for what the JDK client cannot do: {@code Expect: 100-continue} step by step, a client
 * that disconnects mid-body, and request targets sent byte for byte (dot segments, {@code %2e}, {@code %00}).
 */
public final class RawHttp implements AutoCloseable {

  /** One response as read from the wire; header names in lower case. */
  public record Response(String statusLine, int status, Map<String, List<String>> headers, byte[] body) {

    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null ? null : values.get(0);
    }

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** A TLS connection (no host name check) trusting what {@code tls} trusts. */
  public static RawHttp connectTls(int port, javax.net.ssl.SSLContext tls) throws IOException {
    javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) tls.getSocketFactory().createSocket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setSoTimeout(15_000);
    socket.startHandshake();
    return new RawHttp(socket);
  }

  public static RawHttp connect(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setSoTimeout(15_000);
    return new RawHttp(socket);
  }

  /**
   * One request on a new connection that asks to be closed after it: {@code method target HTTP/1.1}, the given header
   * lines, a Host and {@code Connection: close}, then the body (with its Content-Length when there is one).
   */
  public static Response exchange(int port, String method, String target, byte[] body, String... headerLines)
    throws IOException {
    try (RawHttp http = connect(port)) {
      List<String> lines = new ArrayList<>(List.of(headerLines));
      lines.add("Connection: close");
      if (body != null) {
        lines.add("Content-Length: " + body.length);
      }
      http.sendHead(method, target, lines.toArray(String[]::new));
      if (body != null) {
        http.send(body);
      }
      return http.readResponse(method.equals("HEAD"));
    }
  }

  /**
   * A PUT as curl sends large ones: the head with {@code Expect: 100-continue}, the body only after
   * {@code 100 Continue}. Returns the final response (whose connection may then be closed by the server).
   */
  public static Response putWithContinue(int port, String target, byte[] body, String... headerLines) throws IOException {
    try (RawHttp http = connect(port)) {
      List<String> lines = new ArrayList<>(List.of(headerLines));
      lines.add("Content-Length: " + body.length);
      lines.add("Expect: 100-continue");
      http.sendHead("PUT", target, lines.toArray(String[]::new));
      Response response = http.readResponse(false);
      if (response.status() != 100) {
        return response;
      }
      http.send(body);
      return http.readResponse(false);
    }
  }

  /** Sends the request line, {@code Host} and the given header lines, and the empty line that ends them. */
  public void sendHead(String method, String target, String... headerLines) throws IOException {
    StringBuilder head = new StringBuilder()
      .append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
      .append("Host: 127.0.0.1:").append(socket.getPort()).append("\r\n");
    for (String line : headerLines) {
      head.append(line).append("\r\n");
    }
    head.append("\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  public void send(byte[] bytes) throws IOException {
    send(bytes, 0, bytes.length);
  }

  public void send(byte[] bytes, int offset, int length) throws IOException {
    out.write(bytes, offset, length);
    out.flush();
  }

  /** Reads one response: its status line, headers and body (none for HEAD, 1xx, 204 and 304). */
  public Response readResponse(boolean toHead) throws IOException {
    String statusLine = readLine();
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("Not an HTTP/1.x status line: " + statusLine);
    }
    int status = Integer.parseInt(parts[1]);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String line = readLine(); !line.isEmpty(); line = readLine()) {
      int colon = line.indexOf(':');
      headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
        .add(line.substring(colon + 1).trim());
    }
    byte[] body;
    List<String> length = headers.get("content-length");
    List<String> encoding = headers.get("transfer-encoding");
    if (toHead || status / 100 == 1 || status == 204 || status == 304) {
      body = new byte[0];
    } else if (encoding != null && encoding.get(0).equalsIgnoreCase("chunked")) {
      body = readChunked();
    } else if (length != null) {
      int announced = Integer.parseInt(length.get(0));
      body = in.readNBytes(announced);
      if (body.length < announced) {
        throw new EOFException("The connection ended after " + body.length + " of the " + announced
          + " bytes announced by \"" + statusLine + "\" " + headers);
      }
    } else {
      body = in.readAllBytes();
    }
    return new Response(statusLine, status, headers, body);
  }

  /** Tells the server that no more bytes will come, keeping the connection open for its answer. */
  public void shutdownOutput() throws IOException {
    socket.shutdownOutput();
  }

  /** Whether the server has closed the connection: the next read finds its end. */
  public boolean closedByServer() throws IOException {
    return in.read() < 0;
  }

  private byte[] readChunked() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine();
      int semicolon = sizeLine.indexOf(';');
      int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
      if (size == 0) {
        while (!readLine().isEmpty()) {
          // trailers
        }
        return body.toByteArray();
      }
      body.write(in.readNBytes(size));
      readLine();
    }
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new EOFException("The connection ended in the middle of a response (read: \"" + line + "\")");
      }
      if (c != '\r') {
        line.write(c);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
