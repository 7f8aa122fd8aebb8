package org.packagerepository.http;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UploadSlotsTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void grantsInArrivalOrderAndRefusesBeyondTheWaitingRoom() throws Exception {
    UploadSlots slots = new UploadSlots(2, 2);
    Context context = vertx.getOrCreateContext();
    List<String> granted = new CopyOnWriteArrayList<>();
    CountDownLatch four = new CountDownLatch(4);
    for (String name : List.of("a", "b", "c", "d")) {
      assertTrue(slots.request(context, () -> {
        granted.add(name);
        four.countDown();
      }));
    }
    assertFalse(slots.request(context, () -> granted.add("e")), "two streaming and two waiting: no room for a fifth");
    assertEquals(2, slots.streaming());
    assertEquals(2, slots.waiting());

    slots.release();
    slots.release();
    assertTrue(four.await(10, TimeUnit.SECONDS));
    assertEquals(List.of("a", "b", "c", "d"), granted);
    assertEquals(2, slots.streaming(), "a released slot passes to the next waiter");
    assertEquals(0, slots.waiting());

    slots.release();
    slots.release();
    assertEquals(0, slots.streaming());
  }

  @Test
  void boundsFollowTheBackendsShareOfTheHeapUnlessGiven() {
    long fourMiB = 4L << 20;
    assertEquals(7, UploadSlots.forShare(30L << 20, fourMiB).slots());
    assertEquals(1, UploadSlots.forShare(30L << 20, 18L << 20).slots(), "at least one");
    assertEquals(64, UploadSlots.forShare(4L << 30, fourMiB).slots(), "at most 64");
    assertEquals(256, UploadSlots.forShare(30L << 20, fourMiB).waitingRoom());
    assertEquals(64 * 32, UploadSlots.forShare(4L << 30, fourMiB).waitingRoom());
    UploadSlots given = UploadSlots.of(3, 0, 4L << 30, fourMiB);
    assertEquals(3, given.slots());
    assertEquals(256, given.waitingRoom());
  }
}
