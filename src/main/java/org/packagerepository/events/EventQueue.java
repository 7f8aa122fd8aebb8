package org.packagerepository.events;

import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Events waiting to be sent, in order, at most a bounded number: when a callback is down for long, the oldest go
 * first, so that memory stays bounded and what is sent when it comes back is the most recent.
 */
final class EventQueue {

  private final int capacity;
  private final ArrayDeque<JsonObject> events = new ArrayDeque<>();
  private long dropped;

  EventQueue(int capacity) {
    this.capacity = capacity;
  }

  /** Adds {@code event}; returns whether an older one was dropped to make room. */
  boolean add(JsonObject event) {
    boolean full = events.size() >= capacity;
    if (full) {
      events.poll();
      dropped++;
    }
    events.add(event);
    return full;
  }

  /** Takes the oldest events, at most {@code max}. */
  List<JsonObject> take(int max) {
    List<JsonObject> batch = new ArrayList<>(Math.min(max, events.size()));
    while (batch.size() < max && !events.isEmpty()) {
      batch.add(events.poll());
    }
    return batch;
  }

  int size() {
    return events.size();
  }

  boolean isEmpty() {
    return events.isEmpty();
  }

  /** How many events were dropped since the start. */
  long dropped() {
    return dropped;
  }
}
