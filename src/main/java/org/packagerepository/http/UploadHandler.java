package org.packagerepository.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import org.packagerepository.events.PackageEvents;
import org.packagerepository.packages.PackageFile;
import org.packagerepository.storage.PackageInfo;
import org.packagerepository.storage.StorageClient;
import org.packagerepository.storage.StorageError;
import org.packagerepository.storage.StorageException;
import org.packagerepository.storage.WriteRequest;
import org.packagerepository.transfer.ChunkSender;
import org.packagerepository.transfer.TransferException;
import org.packagerepository.transfer.TransferOptions;
import org.packagerepository.transfer.Transfers;

import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code PUT /packages/<file>}: checks everything that can be checked before the body (name, length, checksum
 * headers, conditions, the backend's answer) and only then asks for the body with {@code 100 Continue}, so a refused
 * client never sends it. The body is streamed to storage, which verifies and publishes it.
 */
final class UploadHandler {

  private static final Pattern HEX_SHA256 = Pattern.compile("^[0-9a-fA-F]{64}$");
  private static final Pattern CONTENT_DIGEST_SHA256 = Pattern.compile("(?:^|,)\\s*sha-256\\s*=\\s*:([A-Za-z0-9+/=]+):",
    Pattern.CASE_INSENSITIVE);

  /** How much of a refused body is read and dropped so that its sender sees the answer. */
  private static final long DRAIN_LIMIT = 4 * 1024 * 1024;
  private static final int RETRY_AFTER_SECONDS = 5;

  private final Vertx vertx;
  private final StorageClient storage;
  private final TransferOptions transferOptions;
  private final UploadPolicy policy;
  private final UploadSlots slots;
  private final PackageEvents events;

  UploadHandler(Vertx vertx, StorageClient storage, TransferOptions transferOptions, UploadPolicy policy,
                UploadSlots slots, PackageEvents events) {
    this.vertx = vertx;
    this.slots = slots;
    this.events = events;
    this.storage = storage;
    this.transferOptions = transferOptions;
    this.policy = policy;
  }

  /** Must be called as soon as the request arrives: it pauses the body before anything asynchronous happens. */
  void put(HttpServerRequest request, String file) {
    request.pause();
    HttpServerResponse response = request.response();
    if (!PackageFile.isValid(file)) {
      refuse(request, 400, (file == null ? "The path" : "\"" + file + "\"") + " is not a valid package file name: "
        + "use <name>-<version>.tar.gz, e.g. my-package-1.0.0.tar.gz");
      return;
    }
    long length;
    String expectedSha256;
    try {
      length = contentLength(request);
      expectedSha256 = expectedSha256(request);
    } catch (IllegalArgumentException e) {
      refuse(request, 400, e.getMessage());
      return;
    }
    if (policy.exceeds(length)) {
      refuse(request, 413, policy.tooLarge("The package (Content-Length " + length + ")"));
      return;
    }
    String ifNoneMatch = request.getHeader(HttpHeaders.IF_NONE_MATCH);
    if (ifNoneMatch != null && !ifNoneMatch.trim().equals("*")) {
      refuse(request, 400, "On PUT, If-None-Match supports only \"*\" (create only)");
      return;
    }
    String ifMatch = Preconditions.ifMatch(request.getHeader(HttpHeaders.IF_MATCH));
    WriteRequest write = new WriteRequest(file, null, length, expectedSha256, ifNoneMatch != null, ifMatch,
      policy.allowOverwrite());
    // Nothing of the body is read until this upload may stream and storage is ready for it.
    SocketReads.stop(request);
    boolean admitted = slots.request(Vertx.currentContext(), () -> {
      if (response.closed()) {
        slots.release();
      } else {
        stream(request, write);
      }
    });
    if (!admitted) {
      SocketReads.restart(request);
      response.putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(RETRY_AFTER_SECONDS));
      refuse(request, 503, "The server is busy with " + (slots.slots() + slots.waitingRoom())
        + " uploads; retry in a few seconds");
    }
  }

  /** Streams the body to storage; holds an upload slot until the outcome is known. */
  private void stream(HttpServerRequest request, WriteRequest pending) {
    HttpServerResponse response = request.response();
    Runnable releaseSlot = once(slots::release);
    String transfer = Transfers.newId();
    ChunkSender sender = ChunkSender.create(vertx, transfer, transferOptions);
    WriteRequest write = pending.withTransfer(transfer);
    storage.openWrite(write).onComplete(opened -> {
      // Not before: storage may take its time to open (its workers busy with other uploads' forces), and what Vert.x
      // read meanwhile would wait in the paused request's queue, long enough on a small heap to be promoted.
      SocketReads.restart(request);
      if (opened.failed()) {
        releaseSlot.run();
        sender.cancel(StorageError.CANCELLED.transferCode(), "Refused");
        refuse(request, opened.cause());
        return;
      }
      if (response.closed()) {
        // Gone while storage was preparing: no close event will come any more.
        releaseSlot.run();
        sender.cancel(StorageError.CANCELLED.transferCode(), "The client went away");
        return;
      }
      // The connection may close at any point from here; storage then drops the upload.
      response.closeHandler(v -> sender.cancel(StorageError.CANCELLED.transferCode(), "The client went away"));
      if (request.headers().contains(HttpHeaders.EXPECT, HttpHeaders.CONTINUE, true)) {
        response.writeContinue();
      }
      SizeLimitedStream limited = new SizeLimitedStream(sender,
        policy.maxPackageBytes() > 0 ? policy.maxPackageBytes() : Long.MAX_VALUE,
        () -> sender.cancel(StorageError.CANCELLED.transferCode(), "The package is larger than the limit"));
      BodyDeadline deadline = new BodyDeadline(() -> sender.cancel(StorageError.CANCELLED.transferCode(),
        "The body took too long"));
      SocketPacedStream paced = new SocketPacedStream(request, limited);
      request.pipe().endOnComplete(false).to(paced).onComplete(piped -> {
        deadline.cancel();   // the body is in: what storage does with it is not the client's time
        if (piped.succeeded()) {
          sender.end();
        } else if (!(piped.cause() instanceof TransferException)) {
          sender.cancel(StorageError.CANCELLED.transferCode(), "The upload was interrupted: " + piped.cause().getMessage());
        }
      });
      sender.outcome().onComplete(outcome -> {
        paced.restart();   // the next request on the connection, or the rest of a refused body, must be read
        releaseSlot.run();
        deadline.cancel();
        if (outcome.succeeded()) {
          PackageInfo info = PackageInfo.fromJson(outcome.result());
          stored(response, info);
          events.created(info.file());
        } else {
          if (limited.exceeded()) {
            refuse(request, 413, policy.tooLarge("The package"));
            return;
          }
          if (deadline.expired) {
            refuse(request, 408, "The body was not received within " + policy.bodyTimeoutMillis() / 1000
              + " s (config.body_timeout); nothing was stored");
            return;
          }
          Throwable cause = outcome.cause();
          StorageException error = cause instanceof TransferException te
            ? new StorageException(StorageError.fromTransferCode(te.code()), te.getMessage())
            : new StorageException(StorageError.INTERNAL, String.valueOf(cause.getMessage()));
          refuse(request, error);
        }
      });
    });
  }

  /** A client too slow to send its whole body within the limit is cut off: it holds an upload slot meanwhile. */
  private final class BodyDeadline {

    private final long timer;
    private boolean expired;

    BodyDeadline(Runnable cutOff) {
      timer = policy.bodyTimeoutMillis() <= 0 ? -1 : vertx.setTimer(policy.bodyTimeoutMillis(), id -> {
        expired = true;
        cutOff.run();
      });
    }

    void cancel() {
      vertx.cancelTimer(timer);
    }
  }

  private static Runnable once(Runnable action) {
    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    return () -> {
      if (done.compareAndSet(false, true)) {
        action.run();
      }
    };
  }

  private static void stored(HttpServerResponse response, PackageInfo info) {
    PackageFile file = PackageFile.parse(info.file()).orElseThrow();
    JsonObject body = new JsonObject()
      .put("file", info.file())
      .put("name", file.name())
      .put("version", file.version().text())
      .put("size", info.size())
      .put("sha256", info.sha256());
    response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
      .putHeader(HttpHeaders.ETAG, Preconditions.quote(info.etag()))
      .end(body.toBuffer());
  }

  private static void refuse(HttpServerRequest request, Throwable cause) {
    HttpServerResponse response = request.response();
    if (!response.closed() && !response.ended()) {
      response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
      closeAfterwards(request, HttpErrors.send(response, cause));
    }
  }

  /** Answers an upload with an error without reading its body, and closes the connection once it is out. */
  static void refuse(HttpServerRequest request, int status, String message) {
    request.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    closeAfterwards(request, HttpErrors.send(request.response(), status, message));
  }

  /**
   * The body was not (entirely) read, so the connection cannot carry another request, and Vert.x would keep it open
   * while the body is pending. A client that waits for 100 Continue never sends the body: close once the answer is
   * out. A client that sends it anyway gets some of it read and dropped first, so that it sees the answer rather than
   * a reset.
   */
  private static void closeAfterwards(HttpServerRequest request, Future<Void> answered) {
    if (request.isEnded() || request.headers().contains(HttpHeaders.EXPECT, HttpHeaders.CONTINUE, true)) {
      answered.onComplete(v -> request.connection().close());
      return;
    }
    new Drain(request, answered).start();
  }

  /** Reads and drops a refused body until the answer is out and enough was read, or the body ends. */
  private static final class Drain {

    private final HttpServerRequest request;
    private final Future<Void> answered;
    private long drained;

    Drain(HttpServerRequest request, Future<Void> answered) {
      this.request = request;
      this.answered = answered;
    }

    void start() {
      request.handler(chunk -> {
        drained += chunk.length();
        closeWhenDone();
      });
      request.endHandler(v -> answered.onComplete(sent -> request.connection().close()));
      answered.onComplete(v -> closeWhenDone());
      request.resume();
    }

    private void closeWhenDone() {
      if (drained > DRAIN_LIMIT && answered.isComplete()) {
        request.connection().close();
      }
    }
  }

  /** The announced length, or -1 for a chunked body. */
  private static long contentLength(HttpServerRequest request) {
    String value = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (value == null) {
      return request.headers().contains(HttpHeaders.TRANSFER_ENCODING, HttpHeaders.CHUNKED, true) ? -1 : 0;
    }
    try {
      long length = Long.parseLong(value.trim());
      if (length >= 0) {
        return length;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new IllegalArgumentException("Content-Length \"" + value + "\" is not a length");
  }

  /** The SHA-256 the client announced (lower-case hex), or null; both headers must agree when both are sent. */
  static String expectedSha256(HttpServerRequest request) {
    String hex = request.getHeader(HeaderNames.CHECKSUM_SHA256);
    String expected = null;
    if (hex != null) {
      if (!HEX_SHA256.matcher(hex.trim()).matches()) {
        throw new IllegalArgumentException(HeaderNames.CHECKSUM_SHA256 + " must be 64 hexadecimal digits (a SHA-256)");
      }
      expected = hex.trim().toLowerCase(Locale.ROOT);
    }
    String digest = request.getHeader(HeaderNames.CONTENT_DIGEST);
    if (digest != null) {
      Matcher m = CONTENT_DIGEST_SHA256.matcher(digest);
      if (m.find()) {
        byte[] bytes;
        try {
          bytes = Base64.getDecoder().decode(m.group(1));
        } catch (IllegalArgumentException e) {
          bytes = new byte[0];
        }
        if (bytes.length != 32) {
          throw new IllegalArgumentException("Content-Digest sha-256 must be the base64 of 32 bytes");
        }
        String fromDigest = HexFormat.of().formatHex(bytes);
        if (expected != null && !expected.equals(fromDigest)) {
          throw new IllegalArgumentException(HeaderNames.CHECKSUM_SHA256 + " and Content-Digest announce different checksums");
        }
        expected = fromDigest;
      }
    }
    return expected;
  }
}
