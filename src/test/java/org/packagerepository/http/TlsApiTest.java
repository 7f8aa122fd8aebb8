package org.packagerepository.http;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HTTPS from a PEM certificate and key in the configuration, with a certificate made by the test. */
class TlsApiTest {

  @TempDir
  Path packages;
  private TestServer server;
  private final TestTls certificate = new TestTls();

  @AfterEach
  void stop() throws Exception {
    try {
      if (server != null) {
        server.close();
      }
    } finally {
      certificate.close();
    }
  }

  @Test
  void aPackageRoundTripsOverHttpsByteForByte() throws Exception {
    server = TestServer.onFileSystem(packages, new JsonObject().put("tls", certificate.config()));
    SSLContext tls = certificate.clientContext();
    byte[] bytes = TestBytes.random(3_000_000, 1);

    RawHttp.Response put;
    try (RawHttp https = RawHttp.connectTls(server.port(), tls)) {
      https.sendHead("PUT", "/packages/app-1.0.0.tar.gz", "Content-Length: " + bytes.length);
      https.send(bytes);
      put = https.readResponse(false);
    }
    assertEquals(200, put.status(), put.statusLine() + " " + put.bodyText());
    assertEquals(TestBytes.sha256Hex(bytes), new JsonObject(put.bodyText()).getString("sha256"));

    RawHttp.Response get;
    try (RawHttp https = RawHttp.connectTls(server.port(), tls)) {
      https.sendHead("GET", "/packages/app-1.0.0.tar.gz");
      get = https.readResponse(false);
    }
    assertEquals(200, get.status());
    assertArrayEquals(bytes, get.body(), "the download, not sent with sendfile over TLS, is exact");

    // Plain HTTP on that port is no answer.
    assertThrows(Exception.class, () -> server.client().call("GET", "/packages"));
    // A client that does not trust the certificate is refused in the handshake.
    assertThrows(SSLException.class, () -> RawHttp.connectTls(server.port(), SSLContext.getDefault()).close());
  }

  @Test
  void aMissingKeyStopsTheServerAtStartUpWithWhatToDo() {
    Exception e = assertThrows(Exception.class, () -> TestServer.onFileSystem(packages,
      new JsonObject().put("tls", new JsonObject().put("cert", certificate.certificatePath()))));
    assertTrue(e.getMessage().contains("config.tls.key"), e.getMessage());
  }
}
