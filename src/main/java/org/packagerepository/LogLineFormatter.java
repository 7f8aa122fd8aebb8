package org.packagerepository;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One line per record: {@code <date>T<time>.<millis>Z <LEVEL> <logger>: <message>}, then the exception if any. Made
 * for one line per request: the date and time of the current second are written once, not formatted anew for every
 * line, and nothing is looked up per line. Used by one thread at a time (the log writer).
 */
final class LogLineFormatter extends Formatter {

  private final ZoneId zone = ZoneOffset.UTC;
  private long second = Long.MIN_VALUE;
  private String secondText = "";

  @Override
  public String format(LogRecord record) {
    StringBuilder line = new StringBuilder(160);
    append(line, record);
    return line.toString();
  }

  /** Appends the record's line to {@code line}. */
  void append(StringBuilder line, LogRecord record) {
    long millis = record.getMillis();
    long recordSecond = Math.floorDiv(millis, 1000);
    if (recordSecond != second) {
      second = recordSecond;
      // As %tF'T'%tT, in UTC: the line says Z.
      LocalDateTime time = LocalDateTime.ofInstant(Instant.ofEpochSecond(recordSecond), zone);
      secondText = String.format("%04d-%02d-%02dT%02d:%02d:%02d", time.getYear(), time.getMonthValue(),
        time.getDayOfMonth(), time.getHour(), time.getMinute(), time.getSecond());
    }
    int fraction = (int) Math.floorMod(millis, 1000);
    line.append(secondText).append('.')
      .append((char) ('0' + fraction / 100)).append((char) ('0' + fraction / 10 % 10)).append((char) ('0' + fraction % 10))
      .append("Z ").append(record.getLevel().getName()).append(' ').append(record.getLoggerName()).append(": ")
      .append(formatMessage(record)).append(System.lineSeparator());
    if (record.getThrown() != null) {
      line.append(record.getThrown()).append(System.lineSeparator());
    }
  }
}
