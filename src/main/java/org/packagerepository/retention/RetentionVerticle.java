package org.packagerepository.retention;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Lock;
import org.packagerepository.events.PackageDeletion;
import org.packagerepository.events.PackageEvents;
import org.packagerepository.storage.StorageClient;
import org.packagerepository.storage.StorageError;
import org.packagerepository.storage.StorageException;

import java.time.InstantSource;
import org.packagerepository.storage.PackageInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Runs retention: asked on {@link #ADDRESS} ({@code POST /retention}), and every {@code interval} when one is set.
 * A run lists the store, takes in the stored last-download times, lets the {@link RetentionRule} decide, and, unless
 * it is a dry run, deletes each version to go through the one delete path ({@link PackageDeletion}: the cluster's
 * lock, events, {@code NOTCREATED}) with {@code If-Match} set to the entity tag the decision saw, so that a version
 * replaced meanwhile is not deleted. It also flushes the last-download times, every {@value #FLUSH_PERIOD_MS} ms and
 * when it stops. One instance per server, deployed after storage and before the HTTP side (so stopped before
 * storage, after the last download).
 *
 * <p>Runs that delete take the shared-data lock {@value #LOCK}: cluster-wide under Hazelcast (held as a map lock, so
 * released when its member leaves), local otherwise. A periodic run that finds it taken leaves this round to the
 * member that holds it; a requested one waits for it. Dry runs change nothing and take no lock.
 */
public final class RetentionVerticle extends VerticleBase {

  /** Where runs are asked for: {@code {"dry_run": bool}} → the report; fails with a {@link StorageError} code. */
  public static final String ADDRESS = "retention.run";
  /** How often the last-download times are written to the store, when one was recorded. */
  static final long FLUSH_PERIOD_MS = TimeUnit.SECONDS.toMillis(60);
  static final String LOCK = "pr.retention.run";
  /** How long a requested run waits for another member's run. */
  static final long REQUESTED_LOCK_WAIT_MS = TimeUnit.SECONDS.toMillis(30);
  /** A periodic run only looks whether the lock is free. */
  static final long PERIODIC_LOCK_WAIT_MS = 10;

  private static final System.Logger LOG = System.getLogger(RetentionVerticle.class.getName());

  private final RetentionSettings settings;
  private final RetentionRule rule;
  private final DownloadTimes times;
  private final Predicate<String> downloading;
  private final InstantSource clock;
  private StorageClient storage;
  private PackageDeletion deletion;
  /** The run in progress here, or the last one: runs of this server follow one another. */
  private Future<?> running = Future.succeededFuture();
  /** Set when the verticle stops: a run in progress deletes no further version. */
  private boolean stopping;
  private long flushTimer = -1;
  private long runTimer = -1;

  /**
   * @param downloading whether a package is being downloaded from this server now
   * @param clock       what "now" is, for the ages of versions and of downloads
   */
  public RetentionVerticle(RetentionSettings settings, DownloadTimes times, Predicate<String> downloading,
                           InstantSource clock) {
    this.settings = settings;
    this.rule = new RetentionRule(settings);
    this.times = times;
    this.downloading = downloading;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    storage = new StorageClient(vertx);
    deletion = new PackageDeletion(storage, new PackageEvents(vertx));
    // In the background: a store that does not answer now must not keep the server from starting; every run reads
    // the stored times again anyway.
    times.load(storage).onFailure(e -> LOG.log(System.Logger.Level.WARNING,
      "The stored last-download times could not be read yet: " + e.getMessage()));
    flushTimer = vertx.setPeriodic(FLUSH_PERIOD_MS, id -> flush());
    if (settings.intervalSeconds() > 0) {
      runTimer = vertx.setPeriodic(TimeUnit.SECONDS.toMillis(settings.intervalSeconds()), id -> periodicRun());
    }
    return vertx.eventBus().<JsonObject>localConsumer(ADDRESS, this::requested).completion();
  }

  /** Writes the last-download times recorded since the last flush, so that a restart keeps them. */
  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(flushTimer);
    vertx.cancelTimer(runTimer);
    return running.transform(ar -> flush()).otherwiseEmpty();
  }

  private Future<Void> flush() {
    return times.flush(vertx, storage, settings.keepDownloadedMillis());
  }

  private void requested(Message<JsonObject> message) {
    boolean dryRun = message.body().getBoolean("dry_run", true);
    Future<JsonObject> report = dryRun ? queued(() -> run(true))
      : queued(() -> locked(REQUESTED_LOCK_WAIT_MS, () -> run(false)).compose(ran -> ran != null
        ? Future.succeededFuture(ran) : Future.failedFuture(new StorageException(StorageError.UNAVAILABLE,
        "Another member of the cluster has been running retention for " + REQUESTED_LOCK_WAIT_MS / 1000
          + " s; try again later"))));
    report.onComplete(ar -> {
      if (ar.succeeded()) {
        message.reply(ar.result());
      } else {
        StorageException error = ar.cause() instanceof StorageException se ? se
          : new StorageException(StorageError.INTERNAL, "Retention failed: " + ar.cause().getMessage(), ar.cause());
        message.fail(error.error().code(), error.getMessage());
      }
    });
  }

  private void periodicRun() {
    queued(() -> locked(PERIODIC_LOCK_WAIT_MS, () -> run(false))).onComplete(ar -> {
      if (ar.failed()) {
        LOG.log(System.Logger.Level.WARNING, "Retention did not run: " + ar.cause().getMessage());
      }
    });
  }

  /** Runs {@code run} after the run in progress here, if any. */
  private <T> Future<T> queued(java.util.function.Supplier<Future<T>> run) {
    Future<T> next = running.transform(ignored -> run.get());
    running = next;
    return next;
  }

  /** {@code run} with the lock held; null when the lock was not had within {@code waitMs}. */
  private Future<JsonObject> locked(long waitMs, java.util.function.Supplier<Future<JsonObject>> run) {
    return vertx.sharedData().getLockWithTimeout(LOCK, waitMs).transform(ar -> {
      if (ar.failed()) {
        return Future.succeededFuture(null);
      }
      Lock lock = ar.result();
      return run.get().eventually(() -> {
        lock.release();
        return Future.succeededFuture();
      });
    });
  }

  /** One run: decides, and unless {@code dryRun}, deletes; the report says per file what happened and why. */
  private Future<JsonObject> run(boolean dryRun) {
    Future<Void> storedTimes = times.load(storage).recover(e -> settings.keepDownloadedDays() == null
      ? Future.succeededFuture()
      : Future.failedFuture(new StorageException(StorageError.UNAVAILABLE, "The last-download times cannot be read "
        + "from the store, so retention cannot tell which versions were downloaded: " + e.getMessage())));
    return storedTimes.compose(v -> storage.list(0)).compose(listing -> decideChecked(listing.objects()))
      .compose(decisions -> {
        RetentionReport report = new RetentionReport(dryRun);
        List<RetentionRule.Decision> toDelete = new ArrayList<>();
        for (RetentionRule.Decision decision : decisions) {
          if (decision.deleted() && decision.info().etag() != null) {
            toDelete.add(decision);
          } else {
            report.kept();
          }
        }
        if (dryRun) {
          toDelete.forEach(report::deleted);
          return Future.succeededFuture(report.toJson());
        }
        return deleteInTurn(toDelete, 0, report).map(done -> {
          JsonObject json = report.toJson();
          if (!json.getJsonArray("deleted").isEmpty() || !json.getJsonArray("failed").isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "Retention deleted " + json.getJsonArray("deleted").size()
              + " versions, kept " + json.getInteger("kept") + ", failed " + json.getJsonArray("failed").size() + ": "
              + json.getJsonArray("deleted").stream().map(entry -> ((JsonObject) entry).getString("file")).toList());
          }
          return json;
        });
      });
  }

  /**
   * The decisions, with each version to delete asked of storage first: a listing's entity tag is not always the one a
   * delete checks (a remote store's listing has its own ETag where this server has not seen the version's checksum,
   * the file system's listing none at all), so the version to delete is the one this stat saw, and its delete is
   * conditional on that tag. What the stats say is decided again: a version replaced since the listing is judged as
   * the new one, a version gone since is left out. The second decision can only keep more: the stats make versions
   * younger or take them away, never older.
   */
  private Future<List<RetentionRule.Decision>> decideChecked(List<PackageInfo> listed) {
    long now = clock.millis();
    List<String> candidates = rule.decide(listed, times::lastDownload, downloading, now).stream()
      .filter(RetentionRule.Decision::deleted).map(decision -> decision.info().file()).toList();
    Map<String, PackageInfo> checked = new HashMap<>();
    Future<Void> stats = Future.succeededFuture();
    for (String file : candidates) {
      stats = stats.compose(v -> storage.stat(file).transform(ar -> {
        if (ar.succeeded()) {
          checked.put(file, ar.result());
        } else if (!(ar.cause() instanceof StorageException se && se.error() == StorageError.NOT_FOUND)) {
          return Future.failedFuture(ar.cause());
        } else {
          checked.put(file, null);
        }
        return Future.succeededFuture();
      }));
    }
    return stats.map(v -> {
      List<PackageInfo> current = new ArrayList<>(listed.size());
      for (PackageInfo info : listed) {
        if (!checked.containsKey(info.file())) {
          current.add(info);
        } else if (checked.get(info.file()) != null) {
          current.add(checked.get(info.file()));
        }
      }
      // Only what was asked of storage may go: a version with the listing's tag alone is kept.
      return rule.decide(current, times::lastDownload, downloading, now).stream()
        .map(decision -> decision.deleted() && !checked.containsKey(decision.info().file())
          ? new RetentionRule.Decision(decision.info(), decision.file(), RetentionRule.Kept.KEEP_LAST, null,
          decision.lastDownload()) : decision)
        .toList();
    });
  }

  /**
   * Deletes the versions one after another (a store is not hurried for housekeeping), each only at the version the
   * decision saw; a version being downloaded now (it may have started since the decision) stays.
   */
  private Future<Void> deleteInTurn(List<RetentionRule.Decision> toDelete, int next, RetentionReport report) {
    if (next == toDelete.size() || stopping) {
      // Stopping: what is left stays, for the next run; the server's shutdown is not held up by housekeeping.
      return Future.succeededFuture();
    }
    RetentionRule.Decision decision = toDelete.get(next);
    String file = decision.info().file();
    if (downloading.test(file)) {
      report.kept();
      return deleteInTurn(toDelete, next + 1, report);
    }
    return deletion.delete(file, decision.info().etag()).transform(ar -> {
      if (ar.succeeded()) {
        times.forget(file);
        report.deleted(decision);
      } else {
        report.failed(decision, ar.cause());
      }
      return deleteInTurn(toDelete, next + 1, report);
    });
  }
}
