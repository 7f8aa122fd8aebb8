package org.packagerepository;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Random;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LogLineFormatterTest {

  /**
   * The line as the server wrote it with String.format (in UTC, as its Z says): the formatter must not change what
   * operators parse.
   */
  private static String formatted(LogRecord record) {
    String line = String.format("%1$tFT%1$tT.%1$tLZ %2$s %3$s: %4$s%n",
      java.time.ZonedDateTime.ofInstant(record.getInstant(), java.time.ZoneOffset.UTC), record.getLevel(),
      record.getLoggerName(), record.getMessage());
    return record.getThrown() == null ? line : line + record.getThrown() + System.lineSeparator();
  }

  @Test
  void linesAreThoseOfTheFormatStringAcrossSecondsDaysAndYears() {
    LogLineFormatter formatter = new LogLineFormatter();
    Random random = new Random(1);
    long[] instants = {0L, 999L, 1000L, 1_764_590_000_000L, 1_764_590_000_999L, 1_764_590_001_000L,
      1_798_761_599_999L, 1_798_761_600_000L};
    for (long millis : instants) {
      LogRecord record = new LogRecord(Level.INFO, "127.0.0.1 - \"GET /packages/app-1.0.0.tar.gz\" 200 65536 0 1ms");
      record.setLoggerName("org.packagerepository.access");
      record.setInstant(java.time.Instant.ofEpochMilli(millis));
      assertEquals(formatted(record), formatter.format(record));
    }
    long at = 1_764_590_000_000L;
    for (int i = 0; i < 10_000; i++) {
      at += random.nextInt(700);
      LogRecord record = new LogRecord(i % 2 == 0 ? Level.WARNING : Level.SEVERE, "message " + i);
      record.setLoggerName("org.packagerepository.Main");
      record.setInstant(java.time.Instant.ofEpochMilli(at));
      if (i % 1000 == 0) {
        record.setThrown(new IOException("disk gone"));
      }
      assertEquals(formatted(record), formatter.format(record));
    }
  }
}
