package org.packagerepository.http;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The lines the access log writes while a test runs, as its logger lets them through; {@link #close} stops it. */
final class AccessLines extends Handler {

  final Logger logger = Logger.getLogger("org.packagerepository.access");
  final List<String> lines = new CopyOnWriteArrayList<>();

  private AccessLines() {
  }

  static AccessLines capture() {
    AccessLines capture = new AccessLines();
    capture.logger.addHandler(capture);
    return capture;
  }

  @Override
  public void publish(LogRecord record) {
    if (isLoggable(record) && logger.isLoggable(record.getLevel())) {
      lines.add(record.getMessage());
    }
  }

  @Override
  public void flush() {
  }

  /** Stops capturing, and gives the logger its level back. */
  @Override
  public void close() {
    logger.removeHandler(this);
    logger.setLevel(null);
  }
}
