package org.packagerepository.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.packagerepository.retention.DownloadTimes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.LongSupplier;

/**
 * The downloads in flight, for all HTTP verticles of a server: how many, by client (to bound what one client holds)
 * and by package version (what {@code GET /stats} shows during a deploy). A download is admitted before any byte is
 * read from storage, and let go when its answer is out or its connection gone. Thread-safe: every verticle's event
 * loop admits and lets go here; the work under the lock is a few map updates.
 */
public final class Downloads {

  /** Why a download was not admitted; the label of {@code pr_downloads_refused_total}. */
  public enum Refusal {
    /** The client has its share in flight: 429. */
    CLIENT_LIMIT,
    /** The server has its whole bound in flight: 503. */
    SERVER_LIMIT
  }

  /** How many versions {@link #toJson()} lists: the busiest. */
  static final int LISTED_VERSIONS = 100;

  private final int maxDownloads;
  /** Null: last-download times are not kept (retention is off). */
  private final DownloadTimes times;
  private final Map<String, Integer> byClient = new HashMap<>();
  private final Map<String, Version> byVersion = new HashMap<>();
  private int active;

  /** @param maxDownloads downloads in flight the server takes at once; 0 for no bound */
  public Downloads(int maxDownloads) {
    this(maxDownloads, null);
  }

  /** @param times where each answered download is recorded; null: nowhere */
  public Downloads(int maxDownloads, DownloadTimes times) {
    this.maxDownloads = maxDownloads;
    this.times = times;
  }

  /** Whether a download of {@code file} is in flight now, on any event loop of this server. */
  public synchronized boolean inFlight(String file) {
    return byVersion.containsKey(file);
  }

  /** A GET of {@code file} was answered with its bytes (or a 304, or a redirect to them): it is in use. */
  void answered(String file) {
    if (times != null) {
      times.record(file);
    }
  }

  /**
   * Admits a download of {@code file} by {@code client} unless the client already has {@code clientLimit} in flight
   * (0: no limit) or the server its bound.
   *
   * @param client who asks: counted only when {@code clientLimit} is above 0, and then never null
   * @param sent where the bytes the download has sent so far are read (from any thread: a snapshot is all
   *             {@code /stats} needs)
   * @return the admitted download, which must be {@link Download#finish finished}, or the refusal
   */
  synchronized Admission admit(String client, int clientLimit, String file, LongSupplier sent) {
    if (maxDownloads > 0 && active >= maxDownloads) {
      return new Admission(null, Refusal.SERVER_LIMIT);
    }
    // A client without a limit is not counted: its limit cannot change while the server runs.
    String counted = clientLimit > 0 ? client : null;
    if (counted != null) {
      int held = byClient.getOrDefault(counted, 0);
      if (held >= clientLimit) {
        return new Admission(null, Refusal.CLIENT_LIMIT);
      }
      byClient.put(counted, held + 1);
    }
    active++;
    Version version = byVersion.get(file);
    if (version == null) {
      version = new Version(file);
      byVersion.put(file, version);
    }
    Download download = new Download(this, counted, version, sent);
    version.add(download);
    return new Admission(download, null);
  }

  private synchronized void finished(Download download, long sent) {
    active--;
    if (download.client != null) {
      byClient.computeIfPresent(download.client, (client, held) -> held == 1 ? null : held - 1);
    }
    Version version = download.version;
    version.remove(download);
    version.finishedBytes += sent;
    if (version.inFlight == 0) {
      byVersion.remove(version.file);
    }
  }

  /** Downloads in flight now. */
  public synchronized int active() {
    return active;
  }

  /**
   * {@code {"active": n, "versions": [{"file", "active", "bytes_sent"}, ...]}}: the versions being downloaded now, the
   * busiest first (at most {@value #LISTED_VERSIONS}); a version's bytes count every download of it since it was
   * last idle.
   */
  public JsonObject toJson() {
    record Seen(String file, int active, long finishedBytes, List<LongSupplier> sent) {
    }
    List<Seen> seen = new ArrayList<>();
    int total;
    synchronized (this) {
      total = active;
      for (Version version : byVersion.values()) {
        List<LongSupplier> sent = new ArrayList<>(version.inFlight);
        for (Download download = version.first; download != null; download = download.next) {
          sent.add(download.sent);
        }
        seen.add(new Seen(version.file, version.inFlight, version.finishedBytes, sent));
      }
    }
    // The responses' counts are read outside this lock: each takes its connection's.
    List<JsonObject> versions = new ArrayList<>(seen.size());
    for (Seen version : seen) {
      long bytes = version.finishedBytes();
      for (LongSupplier sent : version.sent()) {
        bytes += sent.getAsLong();
      }
      versions.add(new JsonObject().put("file", version.file()).put("active", version.active())
        .put("bytes_sent", bytes));
    }
    versions.sort(Comparator.<JsonObject>comparingInt(v -> v.getInteger("active")).reversed()
      .thenComparing(v -> v.getString("file")));
    return new JsonObject().put("active", total)
      .put("versions", new JsonArray(new ArrayList<>(versions.subList(0, Math.min(LISTED_VERSIONS, versions.size())))));
  }

  /** A download admitted, or why not. */
  record Admission(Download download, Refusal refusal) {
  }

  /** A download in flight. */
  static final class Download {
    private static final AtomicIntegerFieldUpdater<Download> FINISHED =
      AtomicIntegerFieldUpdater.newUpdater(Download.class, "finished");

    private final Downloads downloads;
    private final String client;
    private final Version version;
    private final LongSupplier sent;
    private volatile int finished;
    /** Its neighbours among its version's downloads in flight; guarded by the lock of {@link Downloads}. */
    private Download previous;
    private Download next;

    private Download(Downloads downloads, String client, Version version, LongSupplier sent) {
      this.downloads = downloads;
      this.client = client;
      this.version = version;
      this.sent = sent;
    }

    /**
     * The answer is out, or the connection gone: the client's share and the server's bound take it back. Only the
     * first call counts.
     */
    void finish() {
      if (FINISHED.compareAndSet(this, 0, 1)) {
        // Read outside the lock (it takes the connection's), then counted under it: one lock per download's end,
        // which every event loop takes.
        downloads.finished(this, sent.getAsLong());
      }
    }
  }

  /**
   * A version being downloaded. Its downloads in flight are linked through themselves: one joins and leaves in constant
   * time however many are in flight, and without a set's table, which a version that is idle between two downloads
   * (a small range answered at once) would allocate for each.
   */
  private static final class Version {
    private final String file;
    private Download first;
    private int inFlight;
    private long finishedBytes;

    private Version(String file) {
      this.file = file;
    }

    private void add(Download download) {
      download.next = first;
      if (first != null) {
        first.previous = download;
      }
      first = download;
      inFlight++;
    }

    private void remove(Download download) {
      if (download.previous != null) {
        download.previous.next = download.next;
      } else {
        first = download.next;
      }
      if (download.next != null) {
        download.next.previous = download.previous;
      }
      download.previous = null;
      download.next = null;
      inFlight--;
    }
  }
}
