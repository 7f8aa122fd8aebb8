package org.packagerepository.storage.driver;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/** The bytes of a remote store's answer, which a reader that no longer wants them can cancel (freeing the connection). */
public interface StoreStream extends ReadStream<Buffer> {

  /** Stops the answer; no more handlers are called. Safe to call more than once. */
  void cancel();
}
