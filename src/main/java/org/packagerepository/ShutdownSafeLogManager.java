package org.packagerepository;

import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * java.util.logging's own shutdown hook resets logging while the server's hook is still draining requests, so
 * everything logged during a graceful stop would be lost. This manager ignores resets; the server flushes its log at
 * the end of its own hook instead. Installed by {@link Main} before anything logs.
 */
public final class ShutdownSafeLogManager extends LogManager {

  @Override
  public void reset() {
    // Nothing: handlers stay until the process ends; see flushAll.
  }

  /** Writes out what the handlers of the root logger hold. */
  static void flushAll() {
    for (Handler handler : Logger.getLogger("").getHandlers()) {
      handler.flush();
    }
  }
}
