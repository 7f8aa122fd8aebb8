package org.packagerepository.transfer;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.packagerepository.transfer.TransferTestSupport.BufferSource;
import static org.packagerepository.transfer.TransferTestSupport.DigestSink;
import static org.packagerepository.transfer.TransferTestSupport.expectFreed;
import static org.packagerepository.transfer.TransferTestSupport.identitySet;
import static org.packagerepository.transfer.TransferTestSupport.newContext;
import static org.packagerepository.transfer.TransferTestSupport.on;
import static org.packagerepository.transfer.TransferTestSupport.repeat;
import static org.packagerepository.transfer.TransferTestSupport.sum;
import static org.packagerepository.transfer.TransferTestSupport.until;

/** Data path: integrity, zero copy, credit window, back-pressure, end handling, outcome. */
@ExtendWith(VertxExtension.class)
class ChunkTransferStreamTest {

  private static final int MB = 1024 * 1024;

  /** 64 MB: 500 x 65,537 bytes, one 3 MB buffer (bigger than the window), 475 x 65,537, and the rest. */
  private static int[] sixtyFourMegabytes() {
    List<Integer> sizes = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      sizes.add(65_537);
    }
    sizes.add(3 * MB);
    for (int i = 0; i < 475; i++) {
      sizes.add(65_537);
    }
    long total = sizes.stream().mapToLong(Integer::longValue).sum();
    sizes.add((int) (64L * MB - total));
    return sizes.stream().mapToInt(Integer::intValue).toArray();
  }

  @Test
  @Timeout(120_000)
  void largeStreamIsByteExactAndZeroCopy(Vertx vertx, VertxTestContext test) {
    int[] sizes = sixtyFourMegabytes();
    assertEquals(64L * MB, sum(sizes));
    String id = Transfers.newId();
    TransferOptions options = new TransferOptions(); // 1 MB window
    Set<Buffer> sent = identitySet();
    DigestSink sink = new DigestSink(sent);
    AtomicReference<Thread> senderThread = new AtomicReference<>();
    AtomicReference<BufferSource> source = new AtomicReference<>();
    AtomicReference<ChunkSender> sender = new AtomicReference<>();
    AtomicReference<ChunkReceiver> receiver = new AtomicReference<>();

    Future.all(newContext(vertx), newContext(vertx)).compose(cf -> {
      Context rctx = cf.resultAt(0);
      Context sctx = cf.resultAt(1);
      // 1. the receiver registers first
      return on(rctx, () -> {
        receiver.set(ChunkReceiver.create(vertx, id, options));
        return null;
      })
        // 2. the peer creates the sender and starts piping into it (no credit yet)
        .compose(v -> on(sctx, () -> {
          senderThread.set(Thread.currentThread());
          sender.set(ChunkSender.create(vertx, id, options));
          BufferSource src = new BufferSource(sctx, sizes, 42, sent);
          source.set(src);
          return src.pipeTo(sender.get());
        }))
        // 3. the receiver's owner pipes it to its destination, then reports the outcome
        .compose(senderPiped -> {
          Future<Void> receiverPiped = on(rctx, () -> receiver.get().pipeTo(sink)
            .onSuccess(v -> receiver.get().complete(new JsonObject()
              .put("bytes", sink.bytes).put("sha256", sink.sha256Hex())))).compose(f -> f);
          return Future.all(senderPiped, receiverPiped, sender.get().outcome());
        });
    }).onComplete(test.succeeding(cf -> test.verify(() -> {
      JsonObject outcome = cf.resultAt(2);
      String expected = source.get().sha256Hex();
      assertEquals(64L * MB, sink.bytes);
      assertEquals(64L * MB, sender.get().bytesSent());
      assertEquals(64L * MB, receiver.get().bytesReceived());
      assertEquals(expected, sink.sha256Hex(), "SHA-256 of the received bytes");
      assertEquals(new JsonObject().put("bytes", 64L * MB).put("sha256", expected), outcome);
      assertTrue(sink.ended);
      assertNotSame(senderThread.get(), sink.thread, "sender and receiver on different event loops");
      assertTrue(sink.largestChunk <= options.getWindowBytes(), "no chunk larger than the window");
      // whole buffers arrive as the very instances sent; the ones split by the credit boundary arrive as slices
      int wholeCandidates = sizes.length - 1; // the 3 MB one is always split
      assertTrue(sink.sameInstance >= wholeCandidates / 2,
        "same instances: " + sink.sameInstance + " of " + wholeCandidates);
      assertEquals(wholeCandidates + 1 - sink.sameInstance, sent.size(), "every other buffer was split");
      assertTrue(sink.chunks > sizes.length, "the 3 MB buffer was split");
      test.completeNow();
    })));
  }

  @Test
  @Timeout(30_000)
  void inFlightNeverExceedsWindowWithSlowConsumer(Vertx vertx, VertxTestContext test) {
    int window = 64 * 1024;
    int[] sizes = repeat(270, 7_777); // ~2 MB
    long total = sum(sizes);
    String id = Transfers.newId();
    TransferOptions options = new TransferOptions().setWindowBytes(window);
    AtomicLong maxInFlight = new AtomicLong();
    long[] delivered = new long[1];
    AtomicReference<ChunkSender> sender = new AtomicReference<>();
    AtomicReference<BufferSource> source = new AtomicReference<>();
    DigestSink sink = new DigestSink(null);
    Promise<Void> ended = Promise.promise();

    Future.all(newContext(vertx), newContext(vertx)).compose(cf -> {
      Context rctx = cf.resultAt(0);
      Context sctx = cf.resultAt(1);
      AtomicReference<ChunkReceiver> receiver = new AtomicReference<>();
      return on(rctx, () -> {
        receiver.set(ChunkReceiver.create(vertx, id, options));
        return null;
      }).compose(v -> on(sctx, () -> {
        sender.set(ChunkSender.create(vertx, id, options));
        BufferSource src = new BufferSource(sctx, sizes, 7, null);
        source.set(src);
        return src.pipeTo(sender.get());
      })).compose(senderPiped -> on(rctx, () -> {
        ChunkReceiver r = receiver.get();
        r.pause();
        r.handler(chunk -> {
          // bytes the sender has handed over but the reader has not been given yet (this chunk included)
          long inFlight = sender.get().bytesSent() - delivered[0];
          maxInFlight.accumulateAndGet(inFlight, Math::max);
          delivered[0] += chunk.length();
          sink.write(chunk);
        });
        r.endHandler(v -> {
          r.complete(new JsonObject().put("bytes", delivered[0]));
          ended.complete();
        });
        // slow reader: two chunks every millisecond
        vertx.setPeriodic(1, tid -> {
          if (ended.future().isComplete()) {
            vertx.cancelTimer(tid);
          } else {
            r.fetch(2);
          }
        });
        return senderPiped;
      })).compose(f -> f).compose(v -> Future.all(ended.future(), sender.get().outcome()));
    }).onComplete(test.succeeding(cf -> test.verify(() -> {
      assertEquals(total, delivered[0]);
      assertEquals(source.get().sha256Hex(), sink.sha256Hex());
      assertTrue(maxInFlight.get() <= window, "in flight " + maxInFlight.get() + " > window " + window);
      assertTrue(maxInFlight.get() > window / 2, "the window was used: " + maxInFlight.get());
      assertEquals(new JsonObject().put("bytes", total), cf.resultAt(1));
      test.completeNow();
    })));
  }

  @Test
  @Timeout(30_000)
  void senderStopsAtExactlyWindowWhenReceiverNeverResumes(Vertx vertx, VertxTestContext test) {
    int window = 100_000;
    String id = Transfers.newId();
    TransferOptions options = new TransferOptions().setWindowBytes(window);
    AtomicReference<ChunkSender> sender = new AtomicReference<>();
    AtomicReference<ChunkReceiver> receiver = new AtomicReference<>();
    AtomicReference<BufferSource> source = new AtomicReference<>();
    AtomicReference<Context> rctxRef = new AtomicReference<>();
    AtomicReference<Context> sctxRef = new AtomicReference<>();

    Future.all(newContext(vertx), newContext(vertx)).compose(cf -> {
      rctxRef.set(cf.resultAt(0));
      sctxRef.set(cf.resultAt(1));
      return on(rctxRef.get(), () -> {
        receiver.set(ChunkReceiver.create(vertx, id, options));
        return null;
      });
    }).compose(v -> on(sctxRef.get(), () -> {
      sender.set(ChunkSender.create(vertx, id, options));
      BufferSource src = new BufferSource(sctxRef.get(), repeat(100, 30_001), 3, null);
      source.set(src);
      src.pipeTo(sender.get());
      return null;
    })).compose(v -> on(rctxRef.get(), () -> {
      receiver.get().pause().handler(chunk -> test.failNow("the receiver is paused"));
      return null;
    }))
      // the pipe parks the source once the credit is used up
      .compose(v -> until(sctxRef.get(), () -> source.get().paused && sender.get().bytesSent() >= window))
      .compose(v -> on(sctxRef.get(), () -> {
        test.verify(() -> {
          assertEquals(window, sender.get().bytesSent(), "sent exactly the window");
          assertTrue(sender.get().writeQueueFull());
          assertTrue(source.get().paused);
        });
        return null;
      }))
      .compose(v -> until(rctxRef.get(), () -> receiver.get().bytesReceived() == window))
      // and nothing more goes out while the receiver stays paused
      .compose(v -> {
        Promise<Void> later = Promise.promise();
        vertx.setTimer(200, t -> later.complete());
        return later.future();
      })
      .compose(v -> on(sctxRef.get(), () -> {
        test.verify(() -> {
          assertEquals(window, sender.get().bytesSent());
          assertEquals(window, receiver.get().bytesReceived());
          assertTrue(source.get().bytesEmitted < 100L * 30_001, "the source was held back");
        });
        sender.get().cancel("test_done", null);
        return null;
      }))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  @Timeout(30_000)
  void pipeToPausesSourceUntilCreditArrives(Vertx vertx, VertxTestContext test) {
    int window = 64 * 1024;
    int[] sizes = repeat(150, 10_007);
    String id = Transfers.newId();
    TransferOptions options = new TransferOptions().setWindowBytes(window);
    AtomicReference<ChunkSender> sender = new AtomicReference<>();
    AtomicReference<ChunkReceiver> receiver = new AtomicReference<>();
    AtomicReference<BufferSource> source = new AtomicReference<>();
    AtomicReference<Future<Void>> senderPiped = new AtomicReference<>();
    AtomicReference<Context> rctx = new AtomicReference<>();
    AtomicReference<Context> sctx = new AtomicReference<>();
    DigestSink sink = new DigestSink(null);

    Future.all(newContext(vertx), newContext(vertx)).compose(cf -> {
      rctx.set(cf.resultAt(0));
      sctx.set(cf.resultAt(1));
      return on(rctx.get(), () -> {
        receiver.set(ChunkReceiver.create(vertx, id, options));
        return null;
      });
    }).compose(v -> on(sctx.get(), () -> {
      sender.set(ChunkSender.create(vertx, id, options));
      BufferSource src = new BufferSource(sctx.get(), sizes, 11, null);
      source.set(src);
      senderPiped.set(src.pipeTo(sender.get()));
      return null;
    }))
      // no credit yet: the first write is queued and the pipe pauses the source
      .compose(v -> until(sctx.get(), () -> source.get().paused))
      .compose(v -> on(sctx.get(), () -> {
        test.verify(() -> {
          assertEquals(0, sender.get().bytesSent());
          assertTrue(sender.get().writeQueueFull());
          assertEquals(1, source.get().pauseCalls);
        });
        return null;
      }))
      .compose(v -> on(rctx.get(), () -> receiver.get().pipeTo(sink)).compose(f -> f))
      .compose(v -> on(rctx.get(), () -> {
        receiver.get().complete(new JsonObject().put("ok", true));
        return null;
      }))
      .compose(v -> Future.all(senderPiped.get(), sender.get().outcome()))
      .onComplete(test.succeeding(cf -> test.verify(() -> {
        assertEquals(sum(sizes), sink.bytes);
        assertEquals(source.get().sha256Hex(), sink.sha256Hex());
        assertTrue(source.get().pauseCalls > 5, "paused repeatedly: " + source.get().pauseCalls);
        assertEquals(new JsonObject().put("ok", true), cf.resultAt(1));
        test.completeNow();
      })));
  }

  @Test
  @Timeout(10_000)
  void fetchDeliversExactlyTheRequestedChunks(Vertx vertx, VertxTestContext test) {
    String id = Transfers.newId();
    Buffer[] written = new Buffer[10];
    for (int i = 0; i < written.length; i++) {
      written[i] = TransferTestSupport.randomBuffer(new Random(i), 100);
    }
    List<Buffer> got = new ArrayList<>();
    AtomicReference<ChunkReceiver> receiver = new AtomicReference<>();
    AtomicReference<ChunkSender> sender = new AtomicReference<>();
    Promise<Void> ended = Promise.promise();

    newContext(vertx).compose(ctx -> on(ctx, () -> {
      receiver.set(ChunkReceiver.create(vertx, id, null));
      sender.set(ChunkSender.create(vertx, id, null));
      receiver.get().pause().handler(got::add).endHandler(v -> ended.complete());
      return null;
    }).compose(v -> on(ctx, () -> {
      // credit has arrived (one event-loop turn later): write everything
      for (Buffer b : written) {
        sender.get().write(b);
      }
      return sender.get().end();
    })).compose(f -> f)
      .compose(v -> until(ctx, () -> receiver.get().bytesReceived() == 1000))
      .compose(v -> on(ctx, () -> {
        receiver.get().fetch(3);
        return null;
      }))
      .compose(v -> on(ctx, () -> { // runs after the drain fetch() scheduled
        test.verify(() -> {
          assertEquals(3, got.size());
          assertFalse(ended.future().isComplete());
        });
        receiver.get().fetch(7); // the end needs demand left after the last chunk
        return null;
      }))
      .compose(v -> on(ctx, () -> {
        test.verify(() -> {
          assertEquals(10, got.size());
          assertFalse(ended.future().isComplete(), "no demand left for the end");
        });
        receiver.get().resume();
        return null;
      }))
      .compose(v -> ended.future()))
      .onComplete(test.succeeding(v -> test.verify(() -> {
        for (int i = 0; i < written.length; i++) {
          assertSame(written[i], got.get(i), "zero copy, in order");
        }
        receiver.get().complete(null);
        test.completeNow();
      })));
  }

  @Test
  @Timeout(10_000)
  void completeAfterEndDeliversOutcomeToSender(Vertx vertx, VertxTestContext test) {
    String id = Transfers.newId();
    JsonObject result = new JsonObject().put("stored", true).put("etag", "abc").put("size", 6);
    AtomicReference<ChunkSender> sender = new AtomicReference<>();
    AtomicReference<ChunkReceiver> receiver = new AtomicReference<>();
    AtomicReference<Future<Void>> endSent = new AtomicReference<>();
    Buffer got = Buffer.buffer();

    Future.all(newContext(vertx), newContext(vertx)).compose(cf -> {
      Context rctx = cf.resultAt(0);
      Context sctx = cf.resultAt(1);
      return on(rctx, () -> {
        receiver.set(ChunkReceiver.create(vertx, id, null));
        return null;
      }).compose(v -> on(sctx, () -> {
        ChunkSender s = ChunkSender.create(vertx, id, null);
        sender.set(s);
        // written before any credit: queued, sent when the receiver starts
        s.write(Buffer.buffer("ab"));
        s.write(Buffer.buffer("cd"));
        endSent.set(s.end(Buffer.buffer("ef")));
        return null;
      })).compose(v -> on(rctx, () -> {
        ChunkReceiver r = receiver.get();
        r.handler(got::appendBuffer).endHandler(end -> r.complete(result));
        return null;
      })).compose(v -> Future.all(endSent.get(), sender.get().outcome()));
    }).compose(cf -> {
      test.verify(() -> {
        assertEquals("abcdef", got.toString());
        assertEquals(result, cf.resultAt(1));
        assertEquals(6, sender.get().bytesSent());
        assertEquals(6, receiver.get().bytesReceived());
        assertFalse(sender.get().writeQueueFull());
      });
      return expectFreed(vertx, id);
    }).onComplete(test.succeedingThenComplete());
  }

  @Test
  @Timeout(10_000)
  void emptyStreamEnds(Vertx vertx, VertxTestContext test) {
    String id = Transfers.newId();
    AtomicReference<ChunkSender> sender = new AtomicReference<>();
    AtomicReference<ChunkReceiver> receiver = new AtomicReference<>();
    Promise<Void> receiverEnded = Promise.promise();

    Future.all(newContext(vertx), newContext(vertx)).compose(cf -> {
      Context rctx = cf.resultAt(0);
      Context sctx = cf.resultAt(1);
      return on(rctx, () -> {
        receiver.set(ChunkReceiver.create(vertx, id, null));
        return null;
      }).compose(v -> on(sctx, () -> {
        sender.set(ChunkSender.create(vertx, id, null));
        // the end marker needs no credit: it is sent before the receiver even starts
        return sender.get().end();
      })).compose(f -> f)
        .compose(v -> until(rctx, () -> true)) // one more turn on the receiver's loop: the marker has arrived
        .compose(v -> on(rctx, () -> {
          ChunkReceiver r = receiver.get();
          // handler first, end handler second, in the same event: the end must not be lost
          r.handler(b -> test.failNow("no data expected"));
          r.endHandler(end -> {
            r.complete(new JsonObject().put("bytes", r.bytesReceived()));
            receiverEnded.complete();
          });
          return null;
        }))
        .compose(v -> Future.all(receiverEnded.future(), sender.get().outcome()));
    }).compose(cf -> {
      test.verify(() -> {
        assertEquals(new JsonObject().put("bytes", 0L), cf.resultAt(1));
        assertEquals(0, sender.get().bytesSent());
      });
      return expectFreed(vertx, id);
    }).onComplete(test.succeedingThenComplete());
  }

  @Test
  @Timeout(10_000)
  void emptyStreamThroughPipes(Vertx vertx, VertxTestContext test) {
    String id = Transfers.newId();
    DigestSink sink = new DigestSink(null);
    AtomicReference<ChunkSender> sender = new AtomicReference<>();
    AtomicReference<ChunkReceiver> receiver = new AtomicReference<>();

    Future.all(newContext(vertx), newContext(vertx)).compose(cf -> {
      Context rctx = cf.resultAt(0);
      Context sctx = cf.resultAt(1);
      return on(rctx, () -> {
        receiver.set(ChunkReceiver.create(vertx, id, null));
        return null;
      }).compose(v -> on(sctx, () -> {
        sender.set(ChunkSender.create(vertx, id, null));
        return new BufferSource(sctx, new int[0], 1, null).pipeTo(sender.get());
      })).compose(senderPiped -> on(rctx, () -> receiver.get().pipeTo(sink)
        .onSuccess(v -> receiver.get().complete(new JsonObject())))
        .compose(f -> f)
        .compose(v -> Future.all(senderPiped, sender.get().outcome())));
    }).onComplete(test.succeeding(cf -> test.verify(() -> {
      assertEquals(0, sink.bytes);
      assertTrue(sink.ended);
      assertEquals(new JsonObject(), cf.resultAt(1));
      test.completeNow();
    })));
  }
}
