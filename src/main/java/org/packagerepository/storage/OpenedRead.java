package org.packagerepository.storage;

import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The answer to an open-read: the package's metadata and, when the bytes are in a local file, an open channel to
 * exactly that version of the file, which the receiver may send with the kernel's sendfile (positional reads only:
 * the channel may be shared with other readers). The receiver must {@link #close()} it once, from any thread, when
 * done. The file may still be {@link #growing() growing}: then only what it says is available may be sent. Without a
 * channel the receiver asks for a {@link ReadRequest} stream. Travels only inside one process (see
 * {@link StorageCodecs}).
 */
public final class OpenedRead {

  private final PackageInfo info;
  private final FileChannel channel;
  private final GrowingFile growing;
  private final Runnable release;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** @param release gives the channel back (closes it, or lowers a shared count); called once */
  public OpenedRead(PackageInfo info, FileChannel channel, Runnable release) {
    this(info, channel, null, release);
  }

  /** A channel to a file still being written: {@code growing} says how much of it may be sent. */
  public OpenedRead(PackageInfo info, FileChannel channel, GrowingFile growing, Runnable release) {
    this.info = info;
    this.channel = channel;
    this.growing = growing;
    this.release = release;
  }

  /** Metadata only: the bytes come as a stream. */
  public OpenedRead(PackageInfo info) {
    this(info, null, () -> { });
  }

  public PackageInfo info() {
    return info;
  }

  public FileChannel channel() {
    return channel;
  }

  public boolean hasChannel() {
    return channel != null;
  }

  /** The file's progress when it is still being written, else null (the whole version is in the file). */
  public GrowingFile growing() {
    return growing;
  }

  /** Gives the channel back; safe to call more than once. */
  public void close() {
    if (closed.compareAndSet(false, true)) {
      release.run();
    }
  }
}
