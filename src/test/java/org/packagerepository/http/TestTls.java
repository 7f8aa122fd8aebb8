package org.packagerepository.http;

import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;

/** A certificate made for a test, the server's {@code config.tls} for it, and a client context that trusts it. */
public final class TestTls implements AutoCloseable {

  private final SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");

  /** The {@code config.tls} group of a server using the certificate. */
  public JsonObject config() {
    return new JsonObject().put("cert", certificate.certificatePath()).put("key", certificate.privateKeyPath());
  }

  public String certificatePath() {
    return certificate.certificatePath();
  }

  /** A client context that trusts the certificate (and nothing else). */
  public SSLContext clientContext() throws Exception {
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    try (InputStream pem = Files.newInputStream(Path.of(certificate.certificatePath()))) {
      trusted.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(pem));
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, trust.getTrustManagers(), null);
    return tls;
  }

  @Override
  public void close() {
    certificate.delete();
  }
}
