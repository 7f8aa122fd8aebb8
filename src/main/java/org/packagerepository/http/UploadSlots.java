package org.packagerepository.http;

import io.vertx.core.Context;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Bounds the uploads that stream at once, for all HTTP verticles of a server. Every streaming upload holds buffers
 * (Vert.x's inbound queue, the credit window, the batch being written), so a burst of uploads must not all stream
 * side by side on a small heap. Uploads beyond the bound wait, first come first served, without their bodies being
 * read; beyond the waiting room they are refused.
 */
public final class UploadSlots {

  /** What one streaming upload may hold at worst, to size the default bound from the heap. */
  private static final long BYTES_PER_UPLOAD = 8L * 1024 * 1024;
  private static final int WAITING_PER_SLOT = 32;
  /**
   * Uploads are bound by the disk and the CPU (hashing) long before 64 of them stream at once; more only spreads the
   * same throughput thinner and lets the heap grow.
   */
  private static final int MAX_DERIVED_SLOTS = 64;

  private final int slots;
  private final int waitingRoom;
  private final Deque<Waiter> waiting = new ArrayDeque<>();
  private int streaming;

  public UploadSlots(int slots, int waitingRoom) {
    if (slots < 1 || waitingRoom < 0) {
      throw new IllegalArgumentException("slots " + slots + ", waiting room " + waitingRoom);
    }
    this.slots = slots;
    this.waitingRoom = waitingRoom;
  }

  /** Bounds for a heap of the given size: one slot per 8 MiB (4 to 64), and 32 waiting places per slot. */
  public static UploadSlots forHeap(long maxHeapBytes) {
    int slots = (int) Math.max(4, Math.min(MAX_DERIVED_SLOTS, maxHeapBytes / BYTES_PER_UPLOAD));
    return new UploadSlots(slots, slots * WAITING_PER_SLOT);
  }

  /** Explicit bounds where given (a value ≤ 0 takes the one derived from the heap). */
  public static UploadSlots of(int slots, int waitingRoom, long maxHeapBytes) {
    UploadSlots derived = forHeap(maxHeapBytes);
    int s = slots > 0 ? slots : derived.slots;
    return new UploadSlots(s, waitingRoom > 0 ? waitingRoom : s * WAITING_PER_SLOT);
  }

  public int slots() {
    return slots;
  }

  public int waitingRoom() {
    return waitingRoom;
  }

  /**
   * Asks for a slot: {@code granted} runs on {@code context} once the caller holds one (at once when one is free), and
   * the caller must {@link #release()} it exactly once. Returns false, granting nothing, when the waiting room is full.
   */
  public synchronized boolean request(Context context, Runnable granted) {
    if (streaming < slots) {
      streaming++;
      context.runOnContext(v -> granted.run());
    } else if (waiting.size() < waitingRoom) {
      waiting.addLast(new Waiter(context, granted));
    } else {
      return false;
    }
    return true;
  }

  /** Frees a slot; the longest waiting upload takes it. */
  public void release() {
    Waiter next;
    synchronized (this) {
      next = waiting.pollFirst();
      if (next == null) {
        streaming--;
        return;
      }
    }
    next.context.runOnContext(v -> next.granted.run());
  }

  synchronized int streaming() {
    return streaming;
  }

  synchronized int waiting() {
    return waiting.size();
  }

  private record Waiter(Context context, Runnable granted) {
  }
}
