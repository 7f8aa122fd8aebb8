package org.packagerepository.http;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Requests started at the same moment on threads of their own. */
public final class Race {

  public interface Attempt {
    RawHttp.Response run(int index) throws Exception;
  }

  private Race() {
  }

  /** Runs {@code count} attempts together and returns their answers, in the order of their indexes. */
  public static List<RawHttp.Response> run(int count, Attempt attempt) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(count);
    CyclicBarrier start = new CyclicBarrier(count);
    try {
      List<Future<RawHttp.Response>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int index = i;
        futures.add(threads.submit(() -> {
          start.await(10, TimeUnit.SECONDS);
          return attempt.run(index);
        }));
      }
      List<RawHttp.Response> responses = new ArrayList<>();
      for (Future<RawHttp.Response> future : futures) {
        responses.add(future.get(20, TimeUnit.SECONDS));
      }
      return responses;
    } finally {
      threads.shutdownNow();
      if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
        throw new AssertionError("racing threads did not stop");
      }
    }
  }

  /** The status lines of the answers, for failure messages. */
  public static List<String> statusLines(List<RawHttp.Response> responses) {
    return responses.stream().map(RawHttp.Response::statusLine).toList();
  }
}
