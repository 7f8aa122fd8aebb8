package org.packagerepository.storage.s3;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.time.Duration;

/** Builds the S3 client of the settings, and its presigner. */
final class S3Clients {

  /** Requests in flight to the store at once, across all transfers. */
  static final int MAX_CONCURRENCY = 256;

  private S3Clients() {
  }

  static S3AsyncClient create(S3Settings settings) {
    AwsCredentialsProvider credentials = credentials(settings);
    S3AsyncClientBuilder builder = S3AsyncClient.builder()
      .httpClientBuilder(NettyNioAsyncHttpClient.builder()
        .maxConcurrency(MAX_CONCURRENCY)
        .connectionTimeout(Duration.ofSeconds(5))
        .connectionAcquisitionTimeout(Duration.ofSeconds(30)))
      .region(Region.of(settings.region()))
      .credentialsProvider(credentials)
      .forcePathStyle(settings.pathStyle())
      // Since 2.30 the SDK adds checksum trailers that Ceph RGW, GCS, R2, older MinIO and S3Proxy reject; the
      // package's own SHA-256 is verified by this server.
      .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
      .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    if (settings.endpoint() != null) {
      builder.endpointOverride(settings.endpoint());
    }
    return builder.build();
  }

  /**
   * Signs URLs (SigV4, query authentication) for the same store, bucket addressing and credentials as
   * {@link #create}'s client. Signing is local computation; no request is sent.
   */
  static S3Presigner presigner(S3Settings settings) {
    S3Presigner.Builder builder = S3Presigner.builder()
      .region(Region.of(settings.region()))
      .credentialsProvider(credentials(settings))
      .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyle()).build());
    if (settings.endpoint() != null) {
      builder.endpointOverride(settings.endpoint());
    }
    return builder.build();
  }

  private static AwsCredentialsProvider credentials(S3Settings settings) {
    return settings.accessKey().isEmpty()
      // A static provider rejects blank keys: empty keys mean the standard chain (environment, profile, instance role).
      ? DefaultCredentialsProvider.builder().build()
      : StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKey(), settings.secretKey()));
  }
}
