package org.packagerepository.storage.driver;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/**
 * The bytes of one upload on their way into a backend's temporary space, where nobody sees them: a temporary file, a
 * multipart upload, segments. {@link StorageVerticle} pipes the transfer into it, verifies what it counted and hashed,
 * and then, in the package's turn, has the backend publish it; or cancels it.
 *
 * <p>{@link #end()} completes when every byte is in the temporary space (and hashed), and fails if any of them did not
 * get there. A failure that happens between writes (a part or segment sent in the background) is reported to the
 * {@link #exceptionHandler} as well, so that a stream waiting for a drain does not wait forever. All methods are called
 * on the backend's event loop.
 */
public interface Upload extends WriteStream<Buffer> {

  /** Bytes accepted so far; all of them are in the temporary space once {@link #end()} has succeeded. */
  long written();

  /** The SHA-256 (lower-case hex) of the bytes written; only after {@link #end()} has succeeded. */
  String sha256();

  /**
   * Leaves nothing behind: what the upload wrote is deleted or aborted, and it can no longer be published. May be
   * called at any time, more than once; completes when the backend has done what it could.
   */
  Future<Void> cancel();
}
