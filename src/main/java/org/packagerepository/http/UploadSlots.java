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

  private static final int WAITING_PER_SLOT = 32;
  /** Waiting costs a connection whose body stays in the kernel's socket buffer, not heap. */
  private static final int MIN_WAITING_ROOM = 256;
  /**
   * Uploads are bound by the disk, the network and the CPU (hashing) long before 64 of them stream at once; more only
   * spreads the same throughput thinner and lets the heap grow.
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

  /**
   * Bounds for uploads that may hold {@code shareBytes} of the heap between them (as their backend says) when one
   * streaming upload holds {@code bytesPerUpload}: as many as the share holds (1 to 64), and 32 waiting places per slot,
   * at least 256.
   */
  public static UploadSlots forShare(long shareBytes, long bytesPerUpload) {
    int slots = (int) Math.max(1, Math.min(MAX_DERIVED_SLOTS, shareBytes / bytesPerUpload));
    return new UploadSlots(slots, waitingRoomFor(slots));
  }

  /** Explicit bounds where given (a value ≤ 0 takes the one derived from the heap's share). */
  public static UploadSlots of(int slots, int waitingRoom, long shareBytes, long bytesPerUpload) {
    int s = slots > 0 ? slots : forShare(shareBytes, bytesPerUpload).slots;
    return new UploadSlots(s, waitingRoom > 0 ? waitingRoom : waitingRoomFor(s));
  }

  private static int waitingRoomFor(int slots) {
    return Math.max(MIN_WAITING_ROOM, slots * WAITING_PER_SLOT);
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

  /** Uploads whose bodies are being read now. */
  public synchronized int streaming() {
    return streaming;
  }

  /** Uploads waiting for a turn, their bodies unread. */
  public synchronized int waiting() {
    return waiting.size();
  }

  private record Waiter(Context context, Runnable granted) {
  }
}
