package org.packagerepository.storage.s3;

import io.vertx.core.Context;
import io.vertx.core.Future;
import org.packagerepository.packages.PackageFile;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Removes what a server killed during an upload leaves in the bucket: its multipart upload, begun more than
 * {@code minAgeMillis} ago (an upload in progress anywhere completes or is aborted well within that time; this
 * server's own are never touched), and checksum objects no package names, as old: those of a package that is gone,
 * and those beside the one a package's metadata names now (a version replaced while its checksum object could not be
 * deleted). Only keys a package of this server could have are looked at: other tools may share the bucket.
 * Used from one event loop.
 */
final class OrphanSweeper {

  private static final System.Logger LOG = System.getLogger(OrphanSweeper.class.getName());

  private final Context context;
  private final S3AsyncClient client;
  private final S3Settings settings;
  private final long minAgeMillis;
  private final Predicate<String> inProgressHere;
  private final Supplier<Future<Set<String>>> packages;
  private final Function<String, Future<String>> namedChecksum;
  private boolean stopped;

  /**
   * @param inProgressHere whether a multipart upload id is one of this server's uploads in progress
   * @param packages       the packages there are now
   * @param namedChecksum  the checksum id that a package's metadata names now, or null
   */
  OrphanSweeper(Context context, S3AsyncClient client, S3Settings settings, long minAgeMillis,
                Predicate<String> inProgressHere, Supplier<Future<Set<String>>> packages,
                Function<String, Future<String>> namedChecksum) {
    this.context = context;
    this.client = client;
    this.settings = settings;
    this.minAgeMillis = minAgeMillis;
    this.inProgressHere = inProgressHere;
    this.packages = packages;
    this.namedChecksum = namedChecksum;
  }

  /** One sweep; completes with the number of uploads aborted and checksum objects deleted (or tried). */
  Future<Integer> sweep() {
    return abortOldUploads(null, null, 0)
      .compose(aborted -> deleteUnnamedChecksums().map(deleted -> {
        if (aborted + deleted > 0) {
          LOG.log(System.Logger.Level.INFO, "Removed what interrupted uploads left in " + settings.bucket() + ": "
            + aborted + " multipart uploads, " + deleted + " checksum objects");
        }
        return aborted + deleted;
      }))
      .onFailure(e -> {
        if (!stopped) {
          LOG.log(System.Logger.Level.WARNING, "Looking for what interrupted uploads left in " + settings.bucket()
            + " failed; trying again later: " + e.getMessage());
        }
      });
  }

  /** The server is stopping: a sweep cut short by it is not worth a warning. */
  void stop() {
    stopped = true;
  }

  private Future<Integer> abortOldUploads(String keyMarker, String uploadIdMarker, int aborted) {
    return call(client.listMultipartUploads(r -> r.bucket(settings.bucket()).prefix(settings.listPrefix())
      .keyMarker(keyMarker).uploadIdMarker(uploadIdMarker))).compose((ListMultipartUploadsResponse page) -> {
        long now = System.currentTimeMillis();
        List<MultipartUpload> old = new ArrayList<>();
        for (MultipartUpload upload : page.uploads()) {
          if (isPackageKey(upload.key()) && now - upload.initiated().toEpochMilli() >= minAgeMillis
            && !inProgressHere.test(upload.uploadId())) {
            old.add(upload);
          }
        }
        Future<Void> done = Future.succeededFuture();
        for (MultipartUpload upload : old) {
          done = done.compose(v -> S3Upload.abortMultipartUpload(context, client, settings.bucket(), upload.key(),
            upload.uploadId()));
        }
        int total = aborted + old.size();
        return done.compose(v -> Boolean.TRUE.equals(page.isTruncated())
          ? abortOldUploads(page.nextKeyMarker(), page.nextUploadIdMarker(), total)
          : Future.succeededFuture(total));
      });
  }

  /** Whether {@code key} is where a package of this server is: directly under the prefix, a package's name. */
  private boolean isPackageKey(String key) {
    String prefix = settings.listPrefix();
    if (!key.startsWith(prefix)) {
      return false;
    }
    String file = key.substring(prefix.length());
    return !file.contains("/") && PackageFile.isValid(file);
  }

  private Future<Integer> deleteUnnamedChecksums() {
    Map<String, List<S3Object>> oldByFile = new HashMap<>();
    Map<String, Integer> countByFile = new HashMap<>();
    return listChecksums(null, oldByFile, countByFile).compose(v -> {
      if (oldByFile.isEmpty()) {
        return Future.succeededFuture(0);
      }
      return packages.get().compose(present -> deleteUnnamed(new ArrayList<>(oldByFile.entrySet()), 0, 0, present,
        countByFile));
    });
  }

  private Future<Void> listChecksums(String continuation, Map<String, List<S3Object>> oldByFile,
                                     Map<String, Integer> countByFile) {
    String prefix = settings.checksumsPrefix();
    return call(client.listObjectsV2(r -> r.bucket(settings.bucket()).prefix(prefix).continuationToken(continuation)))
      .compose((ListObjectsV2Response page) -> {
        long now = System.currentTimeMillis();
        for (S3Object object : page.contents()) {
          String[] parts = object.key().substring(prefix.length()).split("/");
          if (parts.length != 2 || !PackageFile.isValid(parts[0])) {
            continue;   // not a checksum object of ours: <file>/<id>
          }
          countByFile.merge(parts[0], 1, Integer::sum);
          if (now - object.lastModified().toEpochMilli() >= minAgeMillis) {
            oldByFile.computeIfAbsent(parts[0], f -> new ArrayList<>()).add(object);
          }
        }
        return Boolean.TRUE.equals(page.isTruncated()) && page.nextContinuationToken() != null
          ? listChecksums(page.nextContinuationToken(), oldByFile, countByFile) : Future.succeededFuture();
      });
  }

  /**
   * Deletes the old checksum objects of each file that its package does not name: all of them when there is no
   * package; when there is, and it has more than one, all but the one its metadata names (read for those only: a
   * package with one checksum object is the usual case, and is not asked about every hour).
   */
  private Future<Integer> deleteUnnamed(List<Map.Entry<String, List<S3Object>>> files, int from, int deleted,
                                        Set<String> present, Map<String, Integer> countByFile) {
    if (from >= files.size()) {
      return Future.succeededFuture(deleted);
    }
    String file = files.get(from).getKey();
    Future<String> named;
    if (!present.contains(file)) {
      named = Future.succeededFuture(null);
    } else if (countByFile.get(file) > 1) {
      named = namedChecksum.apply(file);
    } else {
      return deleteUnnamed(files, from + 1, deleted, present, countByFile);
    }
    return named.compose(id -> {
      Future<Void> done = Future.succeededFuture();
      int n = 0;
      for (S3Object object : files.get(from).getValue()) {
        if (!object.key().endsWith("/" + id)) {
          n++;
          done = done.compose(v -> S3Upload.deleteChecksumObject(context, client, settings.bucket(), object.key()));
        }
      }
      int total = deleted + n;
      return done.compose(v -> deleteUnnamed(files, from + 1, total, present, countByFile));
    });
  }

  private <T> Future<T> call(CompletableFuture<T> request) {
    return Future.fromCompletionStage(request, context);
  }
}
