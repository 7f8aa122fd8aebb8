package org.packagerepository.storage.driver;

import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A read-only channel to one version of a file, shared by every reader of it: readers use positional reads and
 * sendfile only, so they do not disturb each other. Counted: whoever keeps it open (a backend's open files, the cache's
 * open versions, a fill) holds one reference, each reader one while it reads; the channel closes when the last is
 * released, on whatever thread that happens.
 */
public class SharedChannel {

  private final FileChannel channel;
  private final AtomicInteger references = new AtomicInteger(1);

  /** Holds the first reference. */
  public SharedChannel(FileChannel channel) {
    this.channel = channel;
  }

  public final FileChannel channel() {
    return channel;
  }

  /** Another reference, for a reader; only while a reference is held. */
  public SharedChannel retain() {
    references.incrementAndGet();
    return this;
  }

  /**
   * Another reference, for a reader who holds none, from any thread: false when the last one was already released
   * (the channel is closed, or closing).
   */
  public final boolean tryRetain() {
    for (int held = references.get(); held > 0; held = references.get()) {
      if (references.compareAndSet(held, held + 1)) {
        return true;
      }
    }
    return false;
  }

  /** Gives a reference back, from any thread; the last one closes the channel. */
  public final void release() {
    if (references.decrementAndGet() == 0) {
      closeQuietly(channel);
    }
  }

  /**
   * Bytes {@code [position, position + length)} of {@code channel}, read with positional reads (which leave other
   * readers of a shared channel undisturbed); blocking.
   *
   * @throws java.io.EOFException when the file ends before them
   */
  public static Buffer readFully(FileChannel channel, long position, int length) throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(length);
    while (bytes.hasRemaining()) {
      if (channel.read(bytes, position + bytes.position()) < 0) {
        throw new java.io.EOFException("The file ended before the announced length");
      }
    }
    return Buffer.buffer(bytes.array());
  }

  /** Closes a read-only channel: a failure to close loses nothing, no byte was left to write. */
  public static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // read only: nothing was left to write
    }
  }

  /** Whether only the first reference is held (no reader has it). */
  protected final boolean unread() {
    return references.get() == 1;
  }
}
