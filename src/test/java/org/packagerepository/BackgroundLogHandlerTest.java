package org.packagerepository;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackgroundLogHandlerTest {

  private static BackgroundLogHandler handler(OutputStream out) {
    BackgroundLogHandler handler = new BackgroundLogHandler(new PrintStream(out, false, StandardCharsets.UTF_8));
    handler.setFormatter(new Formatter() {
      @Override
      public String format(LogRecord record) {
        return record.getMessage() + "\n";
      }
    });
    return handler;
  }

  @Test
  void linesGoOutInOrder() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BackgroundLogHandler handler = handler(out);
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      handler.publish(new LogRecord(Level.INFO, "line " + i));
      expected.append("line ").append(i).append('\n');
    }
    handler.close();
    assertEquals(expected.toString(), out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aStuckOutputNeverBlocksTheLoggerAndDroppedLinesAreCounted() throws Exception {
    CountDownLatch stuck = new CountDownLatch(1);
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    OutputStream out = new OutputStream() {
      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] bytes, int offset, int length) {
        try {
          stuck.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        synchronized (written) {
          written.write(bytes, offset, length);
        }
      }
    };
    BackgroundLogHandler handler = handler(out);
    // The writer may take one batch off the queue before it is stuck writing it: more than the queue and a batch.
    int published = BackgroundLogHandler.CAPACITY + BackgroundLogHandler.BATCH + 100;
    for (int i = 0; i < published; i++) {
      handler.publish(new LogRecord(Level.INFO, "line " + i));   // returns although nothing can be written
    }
    stuck.countDown();
    handler.close();
    String text;
    synchronized (written) {
      text = written.toString(StandardCharsets.UTF_8);
    }
    // On a line of its own: after the lines written before the drop, or first when the writer had taken none yet.
    assertTrue(text.matches("(?s)(.*\\n)?\\d+ log lines were dropped: the log could not keep up\\n.*"), "counted");
    long kept = text.lines().filter(l -> l.startsWith("line ")).count();
    assertTrue(kept >= BackgroundLogHandler.CAPACITY && kept < published, kept + " lines kept");
  }
}
