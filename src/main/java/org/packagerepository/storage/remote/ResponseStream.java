package org.packagerepository.storage.remote;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.streams.ReadStream;
import org.packagerepository.storage.driver.ForwardingReadStream;

/**
 * The body of an HTTP GET from a remote store (or another member of the cluster), which can be cancelled (the
 * connection is reset), and which says once when it is over (ended, failed or cancelled): while it streams, the store
 * may still read what it sends (Swift reads the segments of a large object one after the other).
 */
public final class ResponseStream extends ForwardingReadStream {

  private final HttpClientResponse response;
  private final Runnable over;
  private boolean done;

  public ResponseStream(HttpClientResponse response, Runnable over) {
    super(response);
    this.response = response;
    this.over = over;
  }

  @Override
  public void cancel() {
    if (finish()) {
      discard(response);
    }
  }

  /** Drops an answer whose body is not wanted: the connection is reset rather than read to its end. */
  public static void discard(HttpClientResponse response) {
    response.exceptionHandler(e -> { });
    response.request().reset();
  }

  private boolean finish() {
    if (done) {
      return false;
    }
    done = true;
    over.run();
    return true;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    response.exceptionHandler(handler == null ? null : e -> {
      finish();
      handler.handle(e);
    });
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
    response.endHandler(endHandler == null ? null : v -> {
      finish();
      endHandler.handle(null);
    });
    return this;
  }
}
