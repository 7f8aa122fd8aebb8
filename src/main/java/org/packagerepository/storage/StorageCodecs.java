package org.packagerepository.storage;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Registers the in-process codecs of what storage hands over as it is: an {@link OpenedRead} (an open file channel
 * cannot cross a process boundary) and a {@link StorageClient.Listing} (immutable; passing it on saves converting
 * every package to JSON and back, and Vert.x's copy of that JSON, at every listing that changed).
 */
public final class StorageCodecs {

  private static final Set<Vertx> REGISTERED = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  private StorageCodecs() {
  }

  public static void register(Vertx vertx) {
    if (REGISTERED.add(vertx)) {
      vertx.eventBus().registerDefaultCodec(OpenedRead.class, new LocalOnly<>("storage-opened-read"));
      vertx.eventBus().registerDefaultCodec(StorageClient.Listing.class, new LocalOnly<>("storage-listing"));
    }
  }

  /** Hands the object itself to the receiver in this process; never sent to another. */
  private record LocalOnly<T>(String name) implements MessageCodec<T, T> {
    @Override
    public void encodeToWire(Buffer buffer, T object) {
      throw new UnsupportedOperationException(name + " is only handed over within one process");
    }

    @Override
    public T decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException(name + " is only handed over within one process");
    }

    @Override
    public T transform(T object) {
      return object;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
