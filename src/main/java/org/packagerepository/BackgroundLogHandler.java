package org.packagerepository;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.ErrorManager;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * Formats and writes log lines to standard error on a thread of its own, so that logging (one access-log line per request)
 * never makes an event loop wait for a slow terminal, pipe or log collector. At most {@link #CAPACITY} lines wait;
 * beyond that lines are dropped and counted, and the count is written once there is room again. The lines waiting
 * are written together, up to {@link #BATCH} at a time: one write to the stream (and one system call) for all of
 * them instead of one per line, which at tens of thousands of requests a second is most of what logging costs.
 */
final class BackgroundLogHandler extends Handler {

  static final int CAPACITY = 65_536;
  static final int BATCH = 1_024;
  /** How long the writer rests when nothing is waiting: the most a line waits before it is written. */
  static final long IDLE_MILLIS = 10;

  private final BlockingQueue<LogRecord> lines = new ArrayBlockingQueue<>(CAPACITY);
  private final AtomicLong dropped = new AtomicLong();
  /** Records queued and records written (or found unformattable): equal when nothing is on its way. */
  private final AtomicLong queued = new AtomicLong();
  private final AtomicLong done = new AtomicLong();
  private final PrintStream out;
  private final Thread writer;
  private volatile boolean closed;

  BackgroundLogHandler(PrintStream out) {
    this.out = out;
    this.writer = new Thread(this::write, "log-writer");
    writer.setDaemon(true);
    writer.start();
  }

  @Override
  public void publish(LogRecord record) {
    // Formatted by the writer: the caller's cost is the offer.
    if (!closed && isLoggable(record)) {
      queued.incrementAndGet();
      if (!lines.offer(record)) {
        queued.decrementAndGet();
        dropped.incrementAndGet();
      }
    }
  }

  private void write() {
    List<LogRecord> batch = new ArrayList<>(BATCH);
    StringBuilder text = new StringBuilder(BATCH * 160);
    try {
      while (!closed || !lines.isEmpty()) {
        reportDropped();
        lines.drainTo(batch, BATCH);
        for (LogRecord next : batch) {
          format(text, next);
        }
        if (!batch.isEmpty()) {
          out.print(text);
          done.addAndGet(batch.size());
        }
        if (batch.size() < BATCH) {
          out.flush();
          // Not waiting on the queue: a writer parked there would have to be woken (a system call) by nearly every
          // line logged. Lines gather for a few milliseconds instead and go out together.
          Thread.sleep(IDLE_MILLIS);
        }
        batch.clear();
        text.setLength(0);
      }
      reportDropped();
      out.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void format(StringBuilder text, LogRecord record) {
    try {
      if (getFormatter() instanceof LogLineFormatter lines) {
        lines.append(text, record);
      } else {
        text.append(getFormatter().format(record));
      }
    } catch (RuntimeException e) {
      reportError(null, e, ErrorManager.FORMAT_FAILURE);
    }
  }

  private void reportDropped() {
    long lost = dropped.getAndSet(0);
    if (lost > 0) {
      out.print(lost + " log lines were dropped: the log could not keep up" + System.lineSeparator());
    }
  }

  /** Waits (at most a few seconds) until what is queued is written. */
  @Override
  public void flush() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    try {
      while (done.get() < queued.get() && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    out.flush();
  }

  @Override
  public void close() {
    flush();
    closed = true;
    try {
      writer.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
