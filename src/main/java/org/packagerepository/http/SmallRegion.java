package org.packagerepository.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import org.packagerepository.storage.OpenedRead;
import org.packagerepository.storage.driver.SharedChannel;

import java.io.IOException;

/**
 * Sends a few kilobytes of an open file (a small range, a small package) with the headers in one write. sendfile
 * would take a second system call, and put a second segment on the wire that wakes the client again: for a 1 KB
 * range that doubles the cost of the answer. The read is what sendfile would do on this same event loop: a copy from
 * the page cache of a file that is being read, of at most {@link #MAX_BYTES}.
 */
final class SmallRegion {

  static final int MAX_BYTES = 16 * 1024;
  private static final System.Logger LOG = System.getLogger(SmallRegion.class.getName());

  private SmallRegion() {
  }

  static void send(Exchange exchange, OpenedRead opened, long offset, int length) {
    HttpServerResponse response = exchange.response();
    Buffer bytes;
    try {
      bytes = SharedChannel.readFully(opened.channel(), offset, length);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.ERROR, "Reading " + opened.info().file() + " failed", e);
      // Nothing was sent: the headers that described the package must not describe the error.
      response.headers().clear();
      HttpErrors.send(response, 500, "Reading " + opened.info().file() + " failed");
      return;
    } finally {
      opened.close();
    }
    response.end(bytes).onComplete(sent -> DownloadAdmission.finished(exchange));
  }
}
