package org.packagerepository.events;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventQueueTest {

  private static JsonObject event(int n) {
    return new JsonObject().put("id", "app-1.0." + n);
  }

  @Test
  void eventsGoOutInOrderInBatches() {
    EventQueue queue = new EventQueue(10);
    for (int i = 0; i < 5; i++) {
      assertFalse(queue.add(event(i)));
    }
    assertEquals(List.of(event(0), event(1), event(2)), queue.take(3));
    assertEquals(List.of(event(3), event(4)), queue.take(3));
    assertTrue(queue.isEmpty());
  }

  @Test
  void beyondItsCapacityTheOldestAreDropped() {
    EventQueue queue = new EventQueue(3);
    for (int i = 0; i < 5; i++) {
      queue.add(event(i));
    }
    assertEquals(3, queue.size(), "bounded");
    assertEquals(2, queue.dropped());
    assertEquals(List.of(event(2), event(3), event(4)), queue.take(10), "the most recent are kept");
  }
}
