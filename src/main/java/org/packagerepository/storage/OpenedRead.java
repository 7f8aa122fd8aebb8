package org.packagerepository.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * The answer to an open-read: the package's metadata and, when the bytes are in a local file, an open channel to
 * exactly that version of the file, which the receiver may send with the kernel's sendfile and must close. Without a
 * channel the receiver asks for a {@link ReadRequest} stream. Travels only inside one process (see
 * {@link StorageCodecs}).
 */
public record OpenedRead(PackageInfo info, FileChannel channel) {

  public boolean hasChannel() {
    return channel != null;
  }

  /** Releases the channel, if any; safe to call more than once. */
  public void close() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing to do: the channel was only read
      }
    }
  }
}
