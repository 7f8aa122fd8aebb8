package org.packagerepository.transfer;

import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.impl.MessageConsumerImpl;
import io.vertx.core.json.JsonObject;
import io.vertx.core.tracing.TracingPolicy;

import java.util.Collections;
import java.util.Set;
import java.util.UUID;
import java.util.WeakHashMap;

/**
 * Addresses, ids and codec registration of chunked transfers.
 * <p>
 * A transfer with id {@code id} uses two event-bus addresses: {@link #dataAddress(String)}, where the
 * {@link ChunkReceiver} listens for data chunks ({@code Buffer}) and control messages from the sender
 * ({@code JsonObject}), and {@link #controlAddress(String)}, where the {@link ChunkSender} listens for control messages
 * from the receiver ({@code JsonObject}).
 */
public final class Transfers {

  /** Name of the pass-through (zero-copy) {@code Buffer} codec registered by {@link #registerCodecs(Vertx)}. */
  public static final String BUFFER_CODEC_NAME = "transfer-buffer";

  private static final DeliveryOptions BUFFER_DELIVERY = new FrozenDeliveryOptions(BUFFER_CODEC_NAME, true);
  /**
   * For every message between the HTTP side and storage of one server: in cluster mode the event bus is clustered,
   * and a message without it could go to another member's consumer of the same address.
   */
  public static final DeliveryOptions LOCAL = new FrozenDeliveryOptions(null, true);

  private static final Object LOCK = new Object();
  private static final Set<Vertx> REGISTERED = Collections.newSetFromMap(new WeakHashMap<>());

  private Transfers() {
  }

  /** @return a new random transfer id (a UUID string) */
  public static String newId() {
    return UUID.randomUUID().toString();
  }

  /** @return {@code "transfer." + id + ".data"}, the address the receiver listens on */
  public static String dataAddress(String id) {
    return "transfer." + id + ".data";
  }

  /** @return {@code "transfer." + id + ".control"}, the address the sender listens on */
  public static String controlAddress(String id) {
    return "transfer." + id + ".control";
  }

  /**
   * Registers the pass-through buffer codec ({@link #BUFFER_CODEC_NAME}) on the event bus of {@code vertx}.
   * Idempotent and thread safe: any number of verticles may call it. {@link ChunkSender#create} and
   * {@link ChunkReceiver#create} call it themselves.
   */
  public static void registerCodecs(Vertx vertx) {
    synchronized (LOCK) {
      if (REGISTERED.contains(vertx)) {
        return;
      }
      try {
        vertx.eventBus().registerCodec(PassThroughBufferCodec.INSTANCE);
      } catch (IllegalStateException alreadyRegistered) {
        // registered earlier under the same name (e.g. by another copy of this class): fine
      }
      REGISTERED.add(vertx);
    }
  }

  /**
   * Delivery options for data chunks: the pass-through codec, local only. The returned instance is shared and
   * immutable (its setters throw {@link UnsupportedOperationException}); copy it with
   * {@code new DeliveryOptions(Transfers.bufferDelivery())} to customise.
   */
  public static DeliveryOptions bufferDelivery() {
    return BUFFER_DELIVERY;
  }

  // ---------------------------------------------------------------- package internals

  static Context requireContext(Vertx vertx) {
    Context ctx = Vertx.currentContext();
    if (ctx == null || ctx.owner() != vertx) {
      throw new IllegalStateException("must be created on a Vert.x context of the given Vertx instance");
    }
    return ctx;
  }

  static JsonObject control(String type) {
    return new JsonObject().put("type", type);
  }

  static JsonObject control(String type, String code, String message) {
    return new JsonObject().put("type", type).put("code", code).put("message", message);
  }

  static TransferException peerException(JsonObject body, String defaultCode) {
    Object code = body.getValue("code");
    Object message = body.getValue("message");
    return new TransferException(code instanceof String ? (String) code : defaultCode,
      message instanceof String ? (String) message : null);
  }

  static String type(JsonObject body) {
    Object type = body.getValue("type");
    return type instanceof String ? (String) type : "";
  }

  /**
   * Unregisters a consumer so that messages still in flight to it are dropped silently (instead of each being logged
   * as a warning by Vert.x).
   */
  static void unregisterQuietly(MessageConsumer<?> consumer) {
    if (consumer instanceof MessageConsumerImpl) {
      ((MessageConsumerImpl<?>) consumer).discardHandler(msg -> { });
    }
    consumer.unregister();
  }

  /** Shared {@link DeliveryOptions} whose setters throw. */
  private static final class FrozenDeliveryOptions extends DeliveryOptions {

    FrozenDeliveryOptions(String codecName, boolean localOnly) {
      // DeliveryOptions' constructor calls no setter: only these two, on the superclass, set anything.
      super.setCodecName(codecName);
      super.setLocalOnly(localOnly);
    }

    private static UnsupportedOperationException frozen() {
      return new UnsupportedOperationException("shared immutable DeliveryOptions: copy it with new DeliveryOptions(...)");
    }

    @Override
    public DeliveryOptions setSendTimeout(long timeout) {
      throw frozen();
    }

    @Override
    public DeliveryOptions setCodecName(String codecName) {
      throw frozen();
    }

    @Override
    public DeliveryOptions addHeader(String key, String value) {
      throw frozen();
    }

    @Override
    public DeliveryOptions setHeaders(MultiMap headers) {
      throw frozen();
    }

    @Override
    public DeliveryOptions setLocalOnly(boolean localOnly) {
      throw frozen();
    }

    @Override
    public DeliveryOptions setTracingPolicy(TracingPolicy tracingPolicy) {
      throw frozen();
    }
  }

}
