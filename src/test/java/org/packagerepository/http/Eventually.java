package org.packagerepository.http;

import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A bounded poll, for the few outcomes that nothing can signal to a test (a server cleaning up after a client that
 * went away): retries an assertion until it holds or the time is up, then fails with its last error.
 */
public final class Eventually {

  private Eventually() {
  }

  public static void within(Duration limit, Executable assertion) throws Throwable {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      try {
        assertion.execute();
        return;
      } catch (AssertionError e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(25));
    }
  }
}
