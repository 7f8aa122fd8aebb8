package org.packagerepository.transfer;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.packagerepository.transfer.TransferTestSupport.newContext;
import static org.packagerepository.transfer.TransferTestSupport.on;

/** Addresses, codec, options. */
@ExtendWith(VertxExtension.class)
class TransfersTest {

  @Test
  void idsAndAddresses() {
    String id = Transfers.newId();
    assertEquals(id, UUID.fromString(id).toString());
    assertNotEquals(id, Transfers.newId());
    assertEquals("transfer.abc.data", Transfers.dataAddress("abc"));
    assertEquals("transfer.abc.control", Transfers.controlAddress("abc"));
  }

  @Test
  void bufferDeliveryIsSharedAndImmutable() {
    DeliveryOptions options = Transfers.bufferDelivery();
    assertSame(options, Transfers.bufferDelivery());
    assertEquals(Transfers.BUFFER_CODEC_NAME, options.getCodecName());
    assertTrue(options.isLocalOnly());
    assertThrows(UnsupportedOperationException.class, () -> options.setCodecName("x"));
    assertThrows(UnsupportedOperationException.class, () -> options.setLocalOnly(false));
    assertThrows(UnsupportedOperationException.class, () -> options.addHeader("a", "b"));
    DeliveryOptions copy = new DeliveryOptions(options).addHeader("a", "b");
    assertEquals(Transfers.BUFFER_CODEC_NAME, copy.getCodecName());
  }

  @Test
  void optionsDefaultsAndJson() {
    TransferOptions defaults = new TransferOptions();
    assertEquals(256 * 1024, defaults.getWindowBytes());
    assertEquals(120_000, defaults.getIdleTimeoutMs());
    assertEquals(600_000, defaults.getOutcomeTimeoutMs());
    TransferOptions custom = new TransferOptions().setWindowBytes(4096).setIdleTimeoutMs(5).setOutcomeTimeoutMs(0);
    JsonObject json = custom.toJson();
    assertEquals(new JsonObject().put("windowBytes", 4096).put("idleTimeoutMs", 5L).put("outcomeTimeoutMs", 0L), json);
    assertEquals(json, new TransferOptions(json).toJson());
    assertEquals(json, new TransferOptions(custom).toJson());
    assertEquals(defaults.toJson(), new TransferOptions(new JsonObject()).toJson());
    assertEquals(77, new TransferOptions(new JsonObject().put("windowBytes", 77)).getWindowBytes());
    assertThrows(IllegalArgumentException.class, () -> new TransferOptions().setWindowBytes(0));
    assertThrows(IllegalArgumentException.class, () -> new TransferOptions().setIdleTimeoutMs(-1));
  }

  @Test
  void codecWireRoundTrip() {
    Buffer wire = Buffer.buffer().appendString("prefix");
    Buffer payload = Buffer.buffer("hello, cluster");
    PassThroughBufferCodec.INSTANCE.encodeToWire(wire, payload);
    assertEquals(payload, PassThroughBufferCodec.INSTANCE.decodeFromWire(6, wire));
    assertSame(payload, PassThroughBufferCodec.INSTANCE.transform(payload));
    assertEquals(-1, PassThroughBufferCodec.INSTANCE.systemCodecID());
  }

  @Test
  @Timeout(10_000)
  void registerCodecsIsIdempotentAndDeliversSameInstance(Vertx vertx, VertxTestContext test) {
    // from many verticles (event loops) at once
    List<Future<?>> registrations = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      registrations.add(newContext(vertx).compose(ctx -> on(ctx, () -> {
        Transfers.registerCodecs(vertx);
        Transfers.registerCodecs(vertx);
        return null;
      })));
    }
    Buffer sent = Buffer.buffer("zero copy");
    Future.all(registrations).compose(v -> {
      Future<Buffer> received = Future.future(p ->
        vertx.eventBus().<Buffer>consumer("codec-test", msg -> p.complete(msg.body())));
      vertx.eventBus().send("codec-test", sent, Transfers.bufferDelivery());
      return received;
    }).onComplete(test.succeeding(received -> test.verify(() -> {
      assertSame(sent, received);
      test.completeNow();
    })));
  }

  @Test
  void createOutsideAContextIsRejected(Vertx vertx) {
    assertThrows(IllegalStateException.class, () -> ChunkReceiver.create(vertx, "x", null));
    assertThrows(IllegalStateException.class, () -> ChunkSender.create(vertx, "x", null));
  }

  @Test
  void transferExceptionCarriesCode() {
    TransferException e = new TransferException("quota", "too big");
    assertEquals("quota", e.code());
    assertEquals("too big", e.getMessage());
    assertEquals("TransferException[quota]: too big", e.toString());
    assertThrows(NullPointerException.class, () -> new TransferException(null, "x"));
  }
}
