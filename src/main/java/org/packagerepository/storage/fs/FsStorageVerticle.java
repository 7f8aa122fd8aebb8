package org.packagerepository.storage.fs;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import org.packagerepository.storage.OpenedRead;
import org.packagerepository.storage.PackageInfo;
import org.packagerepository.storage.ReadRequest;
import org.packagerepository.storage.ReadShortcuts;
import org.packagerepository.storage.StorageBackend;
import org.packagerepository.storage.StorageError;
import org.packagerepository.storage.StorageException;
import org.packagerepository.storage.WriteRequest;
import org.packagerepository.storage.driver.SharedChannel;
import org.packagerepository.storage.driver.StorageVerticle;
import org.packagerepository.storage.driver.WriteChecks;
import org.packagerepository.transfer.ChunkSender;
import org.packagerepository.transfer.TransferException;
import org.packagerepository.transfer.TransferOptions;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Storage verticle of the file-system backend. Uploads go to a temporary file in {@code .incoming/} on the same file
 * system and are renamed into place only when complete and verified, so a package is never seen half written and a
 * reader of a replaced package keeps the version it opened. State is confined to this verticle's event loop; every
 * blocking call runs on a worker thread.
 */
final class FsStorageVerticle extends StorageVerticle<FsStorageVerticle.Known, IncomingFile> {

  private static final System.Logger LOG = System.getLogger(FsStorageVerticle.class.getName());
  static final String INCOMING = ".incoming";
  /** The state objects' directory: a dot name, which the listing skips and no package name can be. */
  static final String STATE = ".state";
  /** How long a package's open version is served without looking at the file system again. */
  static final long RECHECK_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** Open packages kept for readers; bounds the file descriptors held. */
  static final int OPEN_FILES = 256;
  /** Threads that write uploads, apart from the shared worker pool so that a slow disk cannot hold up reads and listings. */
  static final int UPLOAD_THREADS = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

  /**
   * Bytes an upload hands to its threads at a time, as many as its credit window: 256 KiB batches cost as many thread
   * hand-offs as bytes hashed and capped a 1 GiB upload near 750 MiB/s, 1 MiB batches reached about 1 GiB/s; on a heap
   * under 256 MiB they shrink with the window, so that uploads in flight stay small beside the young generation.
   */
  static int uploadBatchBytes(long maxHeapBytes) {
    return StorageBackend.uploadWindowBytes(maxHeapBytes);
  }

  /** A version of a package: its identity on the disk, and its SHA-256 where known. */
  record Known(FileIdentity identity, String sha256) {
  }

  private final FsSettings settings;
  private final Path root;
  private final Path incoming;
  private final TransferOptions transferOptions = new TransferOptions();
  private final int uploadBatchBytes = uploadBatchBytes(Runtime.getRuntime().maxMemory());
  /** Checksums of the versions seen, so that none is computed twice. */
  private final Map<String, Known> checksums = new HashMap<>();
  private final Map<FileIdentity, Future<String>> hashing = new HashMap<>();
  private OpenFiles openFiles;
  /** Counts this server's publishes and deletes, so that a read begun before one is not cached after it. */
  private long changes;
  private long sweeper = -1;
  private WorkerExecutor uploadWorker;

  FsStorageVerticle(FsSettings settings) {
    this.settings = settings;
    this.root = settings.root();
    this.incoming = root.resolve(INCOMING);
  }

  @Override
  public Future<?> start() {
    // Readers open the checked versions themselves only when they are handed open files at all.
    openFiles = new OpenFiles(OPEN_FILES, RECHECK_AFTER_NANOS,
      settings.zeroCopy() ? ReadShortcuts.of(vertx) : new ReadShortcuts());
    uploadWorker = vertx.createSharedWorkerExecutor("package-repository-uploads", UPLOAD_THREADS);
    return vertx.executeBlocking(() -> {
      Files.createDirectories(root);
      Files.createDirectories(incoming);
      // Left by a server that was killed during uploads: never published, never to be.
      try (DirectoryStream<Path> stale = Files.newDirectoryStream(incoming)) {
        for (Path path : stale) {
          Files.deleteIfExists(path);
        }
      }
      return null;
    }).onSuccess(v -> sweeper = vertx.setPeriodic(TimeUnit.NANOSECONDS.toMillis(RECHECK_AFTER_NANOS),
      id -> openFiles.dropUnchecked(System.nanoTime())))
      .recover(e -> Future.failedFuture(new IllegalStateException(
      "The package directory " + root + " cannot be used: " + e.getMessage(), e)))
      .compose(v -> super.start());
  }

  /** After the uploads cut by the stop have deleted their files (now, not at the next start). */
  @Override
  protected Future<?> close() {
    vertx.cancelTimer(sweeper);
    openFiles.clear();
    return uploadWorker.close();
  }

  @Override
  protected Future<List<PackageInfo>> list() {
    return blocking(() -> {
      List<Map.Entry<String, FileIdentity>> files = new ArrayList<>();
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
        for (Path path : entries) {
          String name = path.getFileName().toString();
          if (!name.startsWith(".")) {
            FileIdentity identity = LocalFiles.identity(path);
            if (identity != null) {
              files.add(Map.entry(name, identity));
            }
          }
        }
      }
      return files;
    }).map(files -> {
      List<PackageInfo> infos = new ArrayList<>(files.size());
      for (Map.Entry<String, FileIdentity> entry : files) {
        FileIdentity identity = entry.getValue();
        Known known = checksums.get(entry.getKey());
        String sha256 = known != null && known.identity.sameVersion(identity) ? known.sha256 : null;
        infos.add(new PackageInfo(entry.getKey(), identity.size(), identity.modifiedMillis(), sha256, sha256));
      }
      return infos;
    });
  }

  @Override
  protected Future<PackageInfo> stat(String file) {
    return open(file, false).map(shared -> {
      shared.release();
      return shared.info(file);
    });
  }

  @Override
  protected Future<OpenedRead> openRead(String file) {
    return open(file, false).map(shared -> {
      if (settings.zeroCopy()) {
        return new OpenedRead(shared.info(file), shared.channel(), shared::release);
      }
      shared.release();
      return new OpenedRead(shared.info(file));
    });
  }

  @Override
  protected Future<Void> read(ReadRequest request) {
    return open(request.file(), false).compose(shared -> {
      if (!shared.sha256.equals(request.etag())) {
        shared.release();
        return Future.failedFuture(new StorageException(StorageError.CHANGED, request.file() + " has changed"));
      }
      if (request.offset() < 0 || request.length() < 0 || request.offset() + request.length() > shared.identity.size()) {
        shared.release();
        return Future.failedFuture(new StorageException(StorageError.INTERNAL, "The range is outside the package"));
      }
      ChunkSender sender = ChunkSender.create(vertx, request.transfer(), transferOptions);
      new FileRegionReadStream(vertx, shared.channel(), request.offset(), request.length())
        .pipe().endOnFailure(false).to(sender).onComplete(ar -> {
          shared.release();
          if (ar.failed() && !(ar.cause() instanceof TransferException)) {
            sender.cancel(StorageError.INTERNAL.transferCode(), "Reading the package failed: " + ar.cause().getMessage());
          }
        });
      return Future.succeededFuture();
    });
  }

  @Override
  protected Future<IncomingFile> begin(WriteRequest request) {
    Path temporary = incoming.resolve(UUID.randomUUID() + ".part");
    return IncomingFile.create(uploadWorker, temporary, uploadBatchBytes, settings.fsync())
      .recover(e -> Future.failedFuture(storageError(e)));
  }

  @Override
  protected Future<PackageInfo> commit(WriteRequest request, IncomingFile upload, Known current, String sha256) {
    String file = request.file();
    Path target = root.resolve(file);
    Path temporary = upload.path();
    long size = upload.written();
    boolean createOnly = request.createOnly() || !request.overwrite();
    return blocking(() -> {
      FileIdentity written = LocalFiles.identity(temporary);
      if (written == null || written.size() != size) {
        throw new StorageException(StorageError.INTERNAL, "The upload was not written completely; nothing was stored");
      }
      LocalFiles.writeSha256(temporary, written, sha256);
      if (createOnly) {
        // A link cannot replace an existing file: a writer racing from outside this server cannot be overwritten.
        try {
          Files.createLink(target, temporary);
        } catch (FileAlreadyExistsException e) {
          throw WriteChecks.alreadyExists(request);
        } finally {
          Files.deleteIfExists(temporary);
        }
      } else {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
      }
      if (settings.fsync()) {
        LocalFiles.syncDirectory(root);
      }
      return written;
    }).map(identity -> {
      checksums.put(file, new Known(identity, sha256));
      return new PackageInfo(file, identity.size(), identity.modifiedMillis(), sha256, sha256);
    });
  }

  /** The package directory is there and writable (a mount that went away, or turned read-only, is not). */
  @Override
  protected Future<Void> checkHealth() {
    return blocking(() -> {
      if (!Files.isDirectory(root) || !Files.isWritable(root) || !Files.isDirectory(incoming)) {
        throw new StorageException(StorageError.UNAVAILABLE, "The package directory " + root.toAbsolutePath()
          + " is missing or not writable");
      }
      return null;
    });
  }

  @Override
  protected Future<io.vertx.core.buffer.Buffer> readState(String name) {
    Path path = root.resolve(STATE).resolve(name + ".json");
    return blocking(() -> {
      try {
        return io.vertx.core.buffer.Buffer.buffer(Files.readAllBytes(path));
      } catch (NoSuchFileException e) {
        return null;
      }
    });
  }

  /** Written beside, then renamed over the old one: a reader, or a crash, sees the old bytes or the new ones. */
  @Override
  protected Future<Void> writeState(String name, io.vertx.core.buffer.Buffer bytes) {
    Path directory = root.resolve(STATE);
    Path path = directory.resolve(name + ".json");
    return blocking(() -> {
      Files.createDirectories(directory);
      Path temporary = directory.resolve(name + "." + UUID.randomUUID() + ".tmp");
      try {
        Files.write(temporary, bytes.getBytes());
        Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temporary);
      }
      return null;
    });
  }

  @Override
  protected Future<Void> remove(String file, Known current) {
    Path target = root.resolve(file);
    return blocking(() -> {
      try {
        Files.delete(target);
      } catch (NoSuchFileException e) {
        throw StorageException.notFound(file);
      }
      if (settings.fsync()) {
        LocalFiles.syncDirectory(root);
      }
      return null;
    }).map(v -> {
      checksums.remove(file);
      return null;
    });
  }

  @Override
  protected String etag(Known version) {
    return version.sha256;
  }

  /** The current version of a package, with its checksum only when asked for; null when there is none. */
  @Override
  protected Future<Known> current(String file, boolean withChecksum) {
    Path target = root.resolve(file);
    if (!withChecksum) {
      return blocking(() -> {
        FileIdentity identity = LocalFiles.identity(target);
        if (identity == null) {
          StorageException absent = LocalFiles.absent(target, file);
          if (absent.error() != StorageError.NOT_FOUND) {
            throw absent;
          }
        }
        return identity;
      }).map(identity -> identity == null ? null : new Known(identity, null));
    }
    return open(file, true).recover(e -> e instanceof StorageException se && se.error() == StorageError.NOT_FOUND
        ? Future.succeededFuture() : Future.failedFuture(e))
      .map(shared -> {
        if (shared == null) {
          return null;
        }
        shared.release();
        return new Known(shared.identity, shared.sha256);
      });
  }

  /**
   * Exactly one version of a package, open, with its checksum (computed once per version, off the event loop); the
   * caller releases it. A version checked less than {@link #RECHECK_AFTER_NANOS} ago is served without a file-system
   * call, unless {@code recheck}.
   */
  private Future<SharedFile> open(String file, boolean recheck) {
    SharedFile fresh = recheck ? null : openFiles.fresh(file, System.nanoTime());
    // Another tool may rewrite a file in place (same inode): its size, read from the open file, gives that away.
    if (fresh != null && fresh.hasSize()) {
      return Future.succeededFuture(fresh.retain());
    }
    long changesBefore = changes;
    Path path = root.resolve(file);
    return blocking(() -> LocalFiles.openStable(path, file)).compose(opened -> {
      SharedFile known = openFiles.any(file);
      if (known != null && known.identity.sameVersion(opened.identity())) {
        SharedChannel.closeQuietly(opened.channel());
        if (changes == changesBefore) {
          known.checkedAt = System.nanoTime();
        }
        return Future.succeededFuture(known.retain());
      }
      return checksum(file, opened).map(sha256 -> {
        SharedFile shared = new SharedFile(opened.file(), opened.identity(), sha256, System.nanoTime());
        // A version opened before this server changed the package must not be cached over the change.
        if (changes == changesBefore) {
          openFiles.put(file, shared.retain());
        }
        return shared;
      }).onFailure(e -> SharedChannel.closeQuietly(opened.channel()));
    });
  }

  /** This server changed {@code file}: what was known of it no longer holds. */
  @Override
  protected void changed(String file) {
    changes++;
    openFiles.invalidate(file);
  }

  @Override
  protected void changedAll() {
    changes++;
    openFiles.clear();
  }

  private Future<String> checksum(String file, LocalFiles.OpenFile opened) {
    FileIdentity identity = opened.identity();
    Known known = checksums.get(file);
    if (known != null && known.identity.sameVersion(identity)) {
      return Future.succeededFuture(known.sha256);
    }
    if (opened.persistedSha256() != null) {
      checksums.put(file, new Known(identity, opened.persistedSha256()));
      return Future.succeededFuture(opened.persistedSha256());
    }
    Future<String> pending = hashing.get(identity);
    if (pending == null) {
      Path path = root.resolve(file);
      pending = blocking(() -> {
        String sha256 = LocalFiles.sha256(opened.channel(), identity.size());
        LocalFiles.writeSha256(path, identity, sha256);
        return sha256;
      }).andThen(ar -> {
        hashing.remove(identity);
        if (ar.succeeded()) {
          checksums.put(file, new Known(identity, ar.result()));
        }
      });
      hashing.put(identity, pending);
    }
    return pending;
  }

  private <T> Future<T> blocking(Callable<T> action) {
    return vertx.executeBlocking(action, false).recover(e -> Future.failedFuture(storageError(e)));
  }

  @Override
  protected StorageException storageError(Throwable e) {
    if (e instanceof StorageException se) {
      return se;
    }
    if (e instanceof TransferException te) {
      return new StorageException(StorageError.fromTransferCode(te.code()), te.getMessage());
    }
    if (LocalFiles.isNoSpace(e)) {
      return new StorageException(StorageError.NO_SPACE, "The package directory's disk is full; nothing was stored");
    }
    LOG.log(System.Logger.Level.ERROR, "File system operation failed in " + root, e);
    if (e instanceof IOException) {
      return new StorageException(StorageError.UNAVAILABLE, "The package directory cannot be used: " + e.getMessage());
    }
    return new StorageException(StorageError.INTERNAL, "The file-system backend failed: " + e.getMessage());
  }
}
