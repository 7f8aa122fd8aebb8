package org.packagerepository.storage;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

/** Registers the in-process codec of {@link OpenedRead}: an open file channel cannot cross a process boundary. */
public final class StorageCodecs {

  private static final Set<Vertx> REGISTERED = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  private StorageCodecs() {
  }

  public static void register(Vertx vertx) {
    if (REGISTERED.add(vertx)) {
      vertx.eventBus().registerDefaultCodec(OpenedRead.class, new LocalOnly());
    }
  }

  private static final class LocalOnly implements MessageCodec<OpenedRead, OpenedRead> {
    @Override
    public void encodeToWire(Buffer buffer, OpenedRead openedRead) {
      throw new UnsupportedOperationException("An open file channel cannot be sent to another process");
    }

    @Override
    public OpenedRead decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException("An open file channel cannot be received from another process");
    }

    @Override
    public OpenedRead transform(OpenedRead openedRead) {
      return openedRead;
    }

    @Override
    public String name() {
      return "storage-opened-read";
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
