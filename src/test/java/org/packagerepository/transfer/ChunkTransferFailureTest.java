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

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.packagerepository.transfer.TransferTestSupport.assertTransferException;
import static org.packagerepository.transfer.TransferTestSupport.expectFreed;
import static org.packagerepository.transfer.TransferTestSupport.newContext;
import static org.packagerepository.transfer.TransferTestSupport.on;
import static org.packagerepository.transfer.TransferTestSupport.until;

/** Failure paths: receiver fail, sender cancel, idle and outcome timeouts; everything freed on both sides. */
@ExtendWith(VertxExtension.class)
class ChunkTransferFailureTest {

  /** Receiver and sender on two event loops. */
  private static final class Pair {
    Context rctx;
    Context sctx;
    ChunkReceiver receiver;
    ChunkSender sender;
    final Promise<Throwable> senderError = Promise.promise();
    final Promise<Throwable> receiverError = Promise.promise();
    final AtomicInteger senderErrors = new AtomicInteger();
    final AtomicInteger receiverErrors = new AtomicInteger();
  }

  /** Receiver created first (with exception handler), then the sender (with exception handler); none started. */
  private static Future<Pair> pair(Vertx vertx, String id, TransferOptions receiverOptions, TransferOptions senderOptions) {
    Pair p = new Pair();
    return Future.all(newContext(vertx), newContext(vertx)).compose(cf -> {
      p.rctx = cf.resultAt(0);
      p.sctx = cf.resultAt(1);
      return on(p.rctx, () -> {
        p.receiver = ChunkReceiver.create(vertx, id, receiverOptions);
        p.receiver.exceptionHandler(err -> {
          p.receiverErrors.incrementAndGet();
          p.receiverError.tryComplete(err);
        });
        return null;
      });
    }).compose(v -> on(p.sctx, () -> {
      p.sender = ChunkSender.create(vertx, id, senderOptions);
      p.sender.exceptionHandler(err -> {
        p.senderErrors.incrementAndGet();
        p.senderError.tryComplete(err);
      });
      return p;
    }));
  }

  @Test
  @Timeout(10_000)
  void receiverFailFailsSenderOutcomeAndPendingWrites(Vertx vertx, VertxTestContext test) {
    String id = Transfers.newId();
    TransferOptions small = new TransferOptions().setWindowBytes(1000);
    AtomicReference<Pair> ref = new AtomicReference<>();
    AtomicReference<Future<Void>> pendingWrite = new AtomicReference<>();

    pair(vertx, id, small, small).compose(p -> {
      ref.set(p);
      return on(p.rctx, () -> {
        p.receiver.pause().handler(b -> test.failNow("paused"));
        return null;
      }).compose(v -> on(p.sctx, () -> {
        // 1000 bytes go out with the credit, 4000 wait
        pendingWrite.set(p.sender.write(Buffer.buffer(new byte[5000])));
        return null;
      })).compose(v -> until(p.rctx, () -> p.receiver.bytesReceived() == 1000))
        .compose(v -> on(p.rctx, () -> {
          p.receiver.fail("too_large", "package exceeds the quota");
          return null;
        }))
        .compose(v -> Future.join(pendingWrite.get(), p.sender.outcome(), p.senderError.future()));
    }).transform(ar -> {
      Pair p = ref.get();
      test.verify(() -> {
        assertTrue(ar.failed());
        TransferException e = assertTransferException(pendingWrite.get().cause(), "too_large");
        assertEquals("package exceeds the quota", e.getMessage());
        assertTransferException(p.sender.outcome().cause(), "too_large");
        assertTransferException(p.senderError.future().result(), "too_large");
        assertEquals(1, p.senderErrors.get());
        assertEquals(0, p.receiverErrors.get(), "own fail() does not call the local exception handler");
        assertEquals(1000, p.sender.bytesSent());
        assertFalse(p.sender.writeQueueFull());
      });
      return on(p.sctx, () -> p.sender.end()).compose(f -> f).transform(end -> {
        test.verify(() -> assertTransferException(end.cause(), "too_large"));
        return expectFreed(vertx, id);
      });
    }).onComplete(test.succeedingThenComplete());
  }

  @Test
  @Timeout(10_000)
  void senderCancelNotifiesReceiver(Vertx vertx, VertxTestContext test) {
    String id = Transfers.newId();
    AtomicReference<Pair> ref = new AtomicReference<>();
    AtomicInteger chunks = new AtomicInteger();
    Promise<Void> firstChunk = Promise.promise();

    pair(vertx, id, null, null).compose(p -> {
      ref.set(p);
      return on(p.rctx, () -> {
        p.receiver.handler(b -> {
          chunks.incrementAndGet();
          firstChunk.tryComplete();
        }).endHandler(v -> test.failNow("no end after a cancel"));
        return null;
      }).compose(v -> on(p.sctx, () -> p.sender.write(Buffer.buffer("some bytes"))).compose(f -> f))
        .compose(v -> firstChunk.future())
        .compose(v -> on(p.sctx, () -> {
          p.sender.cancel("client_gone", "the client disconnected");
          return null;
        }))
        .compose(v -> p.receiverError.future());
    }).compose(err -> {
      Pair p = ref.get();
      test.verify(() -> {
        TransferException e = assertTransferException(err, "client_gone");
        assertEquals("the client disconnected", e.getMessage());
        assertTransferException(p.sender.outcome().cause(), "client_gone");
        assertEquals(0, p.senderErrors.get(), "own cancel() does not call the local exception handler");
        assertEquals(1, p.receiverErrors.get());
        assertEquals(1, chunks.get());
      });
      return on(p.sctx, () -> p.sender.write(Buffer.buffer("late"))).compose(f -> f).transform(ar -> {
        test.verify(() -> assertTransferException(ar.cause(), "client_gone"));
        return expectFreed(vertx, id);
      });
    }).onComplete(test.succeedingThenComplete());
  }

  @Test
  @Timeout(10_000)
  void receiverIdleTimeoutCancelsAndFrees(Vertx vertx, VertxTestContext test) {
    String id = Transfers.newId();
    AtomicReference<Pair> ref = new AtomicReference<>();
    long[] started = new long[1];

    // the receiver times out after 200 ms; the sender (long timeout) goes silent after one chunk
    pair(vertx, id, new TransferOptions().setIdleTimeoutMs(200), new TransferOptions().setIdleTimeoutMs(60_000))
      .compose(p -> {
        ref.set(p);
        return on(p.rctx, () -> {
          p.receiver.handler(b -> started[0] = System.nanoTime());
          return null;
        }).compose(v -> on(p.sctx, () -> p.sender.write(Buffer.buffer("x"))).compose(f -> f))
          .compose(v -> Future.all(p.receiverError.future(), p.senderError.future()));
      }).compose(cf -> {
        Pair p = ref.get();
        long elapsedMs = (System.nanoTime() - started[0]) / 1_000_000;
        test.verify(() -> {
          assertTransferException(cf.resultAt(0), TransferException.IDLE_TIMEOUT);
          assertTransferException(cf.resultAt(1), TransferException.IDLE_TIMEOUT); // the peer's cancel
          assertTransferException(p.sender.outcome().cause(), TransferException.IDLE_TIMEOUT);
          assertTrue(elapsedMs >= 150, "timed out after " + elapsedMs + " ms");
          assertEquals(1, p.receiverErrors.get());
          assertEquals(1, p.senderErrors.get());
        });
        return expectFreed(vertx, id);
      }).onComplete(test.succeedingThenComplete());
  }

  @Test
  @Timeout(10_000)
  void senderIdleTimeoutCancelsAndFrees(Vertx vertx, VertxTestContext test) {
    String id = Transfers.newId();
    AtomicReference<Pair> ref = new AtomicReference<>();
    AtomicReference<Future<Void>> pendingWrite = new AtomicReference<>();
    long[] started = new long[1];

    // the receiver never starts (no credit); the sender times out after 200 ms with a write pending
    pair(vertx, id, new TransferOptions().setIdleTimeoutMs(60_000), new TransferOptions().setIdleTimeoutMs(200))
      .compose(p -> {
        ref.set(p);
        return on(p.sctx, () -> {
          started[0] = System.nanoTime();
          pendingWrite.set(p.sender.write(Buffer.buffer("waiting for credit")));
          return null;
        }).compose(v -> Future.join(pendingWrite.get(), p.sender.outcome())
          .transform(ar -> Future.all(p.senderError.future(), p.receiverError.future())));
      }).compose(cf -> {
        Pair p = ref.get();
        long elapsedMs = (System.nanoTime() - started[0]) / 1_000_000;
        test.verify(() -> {
          assertTransferException(cf.resultAt(0), TransferException.IDLE_TIMEOUT);
          assertTransferException(cf.resultAt(1), TransferException.IDLE_TIMEOUT); // the peer's cancel
          assertTransferException(pendingWrite.get().cause(), TransferException.IDLE_TIMEOUT);
          assertTransferException(p.sender.outcome().cause(), TransferException.IDLE_TIMEOUT);
          assertTrue(elapsedMs >= 150, "timed out after " + elapsedMs + " ms");
          assertEquals(0, p.sender.bytesSent());
        });
        return expectFreed(vertx, id);
      }).onComplete(test.succeedingThenComplete());
  }

  @Test
  @Timeout(10_000)
  void activityKeepsTransferAlivePastIdleTimeout(Vertx vertx, VertxTestContext test) {
    String id = Transfers.newId();
    TransferOptions options = new TransferOptions().setIdleTimeoutMs(200);
    AtomicReference<Pair> ref = new AtomicReference<>();
    Buffer got = Buffer.buffer();
    Promise<Void> ended = Promise.promise();

    pair(vertx, id, options, options).compose(p -> {
      ref.set(p);
      return on(p.rctx, () -> {
        p.receiver.handler(got::appendBuffer).endHandler(v -> {
          p.receiver.complete(new JsonObject().put("n", got.length()));
          ended.complete();
        });
        return null;
      }).compose(v -> on(p.sctx, () -> {
        // one byte every 50 ms for 600 ms: three idle periods, never idle for one
        AtomicInteger n = new AtomicInteger();
        vertx.setPeriodic(50, tid -> {
          if (n.incrementAndGet() <= 12) {
            p.sender.write(Buffer.buffer("."));
          } else {
            vertx.cancelTimer(tid);
            p.sender.end();
          }
        });
        return null;
      })).compose(v -> Future.all(ended.future(), p.sender.outcome()));
    }).onComplete(test.succeeding(cf -> test.verify(() -> {
      assertEquals(12, got.length());
      assertEquals(new JsonObject().put("n", 12), cf.resultAt(1));
      assertEquals(0, ref.get().senderErrors.get());
      assertEquals(0, ref.get().receiverErrors.get());
      test.completeNow();
    })));
  }

  @Test
  @Timeout(10_000)
  void outcomeTimeoutFailsSenderAndFreesReceiver(Vertx vertx, VertxTestContext test) {
    String id = Transfers.newId();
    AtomicReference<Pair> ref = new AtomicReference<>();
    Promise<Void> ended = Promise.promise();

    pair(vertx, id, null, new TransferOptions().setOutcomeTimeoutMs(200)).compose(p -> {
      ref.set(p);
      return on(p.rctx, () -> {
        // the receiver's owner never calls complete()
        p.receiver.handler(b -> { }).endHandler(v -> ended.complete());
        return null;
      }).compose(v -> on(p.sctx, () -> p.sender.end(Buffer.buffer("data"))).compose(f -> f))
        .compose(v -> ended.future())
        .compose(v -> p.sender.outcome().transform(Future::succeededFuture));
    }).compose(ar -> {
      Pair p = ref.get();
      test.verify(() -> {
        assertTrue(ar.failed());
        assertTransferException(ar.cause(), TransferException.OUTCOME_TIMEOUT);
        assertEquals(0, p.senderErrors.get(), "writing was over: no exception handler call");
      });
      // the receiver was released by the sender's cancel, silently since its stream had ended
      // (a turn on the sender's loop, where the cancel is sent right after the outcome fails, then one on the
      // receiver's loop, where the cancel is then already queued)
      return on(p.sctx, () -> null).compose(v -> on(p.rctx, () -> null))
        .compose(v -> expectFreed(vertx, id)).compose(v -> on(p.rctx, () -> {
        test.verify(() -> assertEquals(0, p.receiverErrors.get()));
        p.receiver.complete(new JsonObject()); // too late: no-op
        return null;
      }));
    }).onComplete(test.succeedingThenComplete());
  }

  @Test
  @Timeout(10_000)
  void completeBeforeEndIsRejected(Vertx vertx, VertxTestContext test) {
    String id = Transfers.newId();
    pair(vertx, id, null, null).compose(p -> on(p.rctx, () -> {
      test.verify(() -> assertThrows(IllegalStateException.class, () -> p.receiver.complete(new JsonObject())));
      p.receiver.fail("aborted", null);
      p.receiver.fail("twice", null); // no-op
      return p;
    })).compose(p -> p.sender.outcome().transform(ar -> {
      test.verify(() -> assertTransferException(ar.cause(), "aborted"));
      return expectFreed(vertx, id);
    })).onComplete(test.succeedingThenComplete());
  }

  @Test
  @Timeout(10_000)
  void pipeIntoSenderFailsWhenReceiverFailsWhileSourceIsParked(Vertx vertx, VertxTestContext test) {
    String id = Transfers.newId();
    TransferOptions small = new TransferOptions().setWindowBytes(1000);
    AtomicReference<Pair> ref = new AtomicReference<>();
    AtomicReference<TransferTestSupport.BufferSource> source = new AtomicReference<>();
    AtomicReference<Future<Void>> piped = new AtomicReference<>();

    pair(vertx, id, small, small).compose(p -> {
      ref.set(p);
      return on(p.rctx, () -> {
        p.receiver.pause().handler(b -> test.failNow("paused"));
        return null;
      }).compose(v -> on(p.sctx, () -> {
        // 500 + 500 bytes use the credit up exactly: nothing is queued, the pipe parks the source on drain
        TransferTestSupport.BufferSource src =
          new TransferTestSupport.BufferSource(p.sctx, TransferTestSupport.repeat(30, 500), 5, null);
        source.set(src);
        piped.set(src.pipeTo(p.sender));
        return null;
      })).compose(v -> until(p.sctx, () -> source.get().paused && p.sender.bytesSent() == 1000))
        .compose(v -> on(p.sctx, () -> {
          test.verify(() -> assertTrue(p.sender.writeQueueFull()));
          return null;
        }))
        .compose(v -> on(p.rctx, () -> {
          p.receiver.fail("storage_error", "disk full");
          return null;
        }))
        // the failure wakes the parked pipe, whose next write fails
        .compose(v -> piped.get().transform(Future::succeededFuture));
    }).compose(ar -> {
      test.verify(() -> {
        assertTrue(ar.failed());
        assertTransferException(ar.cause(), "storage_error");
        assertEquals(1, ref.get().senderErrors.get());
      });
      return expectFreed(vertx, id);
    }).onComplete(test.succeedingThenComplete());
  }

  @Test
  @Timeout(10_000)
  void receiverRejectsDataBeyondItsCredit(Vertx vertx, VertxTestContext test) {
    String id = Transfers.newId();
    TransferOptions small = new TransferOptions().setWindowBytes(1000);
    AtomicReference<Pair> ref = new AtomicReference<>();

    pair(vertx, id, small, small).compose(p -> {
      ref.set(p);
      return on(p.rctx, () -> {
        p.receiver.handler(b -> { });
        return null;
      }).compose(v -> on(p.sctx, () -> {
        // a misbehaving peer bypasses the sender's credit accounting
        vertx.eventBus().send(Transfers.dataAddress(id), Buffer.buffer(new byte[1001]), Transfers.bufferDelivery());
        return null;
      })).compose(v -> Future.all(p.receiverError.future(), p.sender.outcome().transform(Future::succeededFuture)));
    }).compose(cf -> {
      test.verify(() -> {
        assertTransferException(cf.resultAt(0), TransferException.CREDIT_EXCEEDED);
        io.vertx.core.AsyncResult<?> outcome = cf.resultAt(1);
        assertTransferException(outcome.cause(), TransferException.CREDIT_EXCEEDED);
      });
      return expectFreed(vertx, id);
    }).onComplete(test.succeedingThenComplete());
  }
}
