package org.packagerepository.storage.fs;

import org.packagerepository.storage.StorageError;
import org.packagerepository.storage.StorageException;
import org.packagerepository.storage.Sha256;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserDefinedFileAttributeView;

/** Blocking file operations; every method runs on a worker thread, never on an event loop. */
final class LocalFiles {

  /** Extended attribute that keeps a file's SHA-256 with its inode, so it survives restarts and is never stale after a rename. */
  private static final String SHA256_ATTRIBUTE = "package-repository.sha256";
  private static final int HASH_BUFFER = 256 * 1024;
  private static final int OPEN_ATTEMPTS = 5;

  /**
   * An open file and the version it is. Opened as a {@link RandomAccessFile} for the lock-free fstat of
   * {@link RandomAccessFile#length()}: {@link FileChannel#size()} takes the channel's position lock, which the event
   * loops checking one hot shared file would contend for on every request.
   */
  record OpenFile(RandomAccessFile file, FileIdentity identity, String persistedSha256) {

    FileChannel channel() {
      return file.getChannel();
    }
  }

  private LocalFiles() {
  }

  /** The identity of the regular file at {@code path}, or null when there is none. */
  static FileIdentity identity(Path path) throws IOException {
    try {
      BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (attributes.isSymbolicLink()) {
        attributes = Files.readAttributes(path, BasicFileAttributes.class);
      }
      return attributes.isRegularFile() ? FileIdentity.of(attributes) : null;
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /**
   * Opens the file at {@code path} and proves which version was opened: the path named the same inode, size and
   * time before and after the open, so a package replaced at that moment is either wholly old or wholly new.
   */
  static OpenFile openStable(Path path, String file) throws IOException {
    for (int attempt = 0; attempt < OPEN_ATTEMPTS; attempt++) {
      FileIdentity before = identity(path);
      if (before == null) {
        throw absent(path, file);
      }
      RandomAccessFile opened;
      try {
        opened = new RandomAccessFile(path.toFile(), "r");
      } catch (FileNotFoundException e) {
        if (identity(path) == null) {
          continue; // removed between the look and the open
        }
        throw e;
      }
      boolean keep = false;
      try {
        FileIdentity after = identity(path);
        if (before.sameVersion(after) && opened.length() == before.size()) {
          keep = true;
          return new OpenFile(opened, before, readSha256(path, before));
        }
      } finally {
        if (!keep) {
          opened.close();
        }
      }
    }
    throw new StorageException(StorageError.CHANGED, file + " is being replaced too often to be read; try again");
  }

  /**
   * Why {@code path} is not there: the package does not exist, or (its directory is gone: a mount that went away) the
   * package directory cannot be used, which is not the same answer to a client (404, or 503 and try again).
   */
  static StorageException absent(Path path, String file) {
    if (!Files.isDirectory(path.getParent())) {
      return new StorageException(StorageError.UNAVAILABLE, "The package directory " + path.getParent()
        + " is missing");
    }
    return notFound(file);
  }

  static StorageException notFound(String file) {
    return StorageException.notFound(file);
  }

  /** SHA-256 of the first {@code size} bytes of the channel, read with positional reads (the channel can be shared). */
  static String sha256(FileChannel channel, long size) throws IOException {
    Sha256 digest = new Sha256();
    ByteBuffer buffer = ByteBuffer.allocate(HASH_BUFFER);
    long position = 0;
    while (position < size) {
      buffer.clear();
      if (size - position < buffer.capacity()) {
        buffer.limit((int) (size - position));
      }
      int n = channel.read(buffer, position);
      if (n < 0) {
        throw new StorageException(StorageError.CHANGED, "The file was truncated while it was being read");
      }
      buffer.flip();
      digest.update(buffer);
      position += n;
    }
    return digest.hex();
  }

  /** The SHA-256 kept with the file, if the file system keeps extended attributes and it belongs to this version. */
  static String readSha256(Path path, FileIdentity identity) {
    try {
      UserDefinedFileAttributeView view = Files.getFileAttributeView(path, UserDefinedFileAttributeView.class);
      if (view == null || !view.list().contains(SHA256_ATTRIBUTE)) {
        return null;
      }
      ByteBuffer value = ByteBuffer.allocate(view.size(SHA256_ATTRIBUTE));
      view.read(SHA256_ATTRIBUTE, value);
      String[] parts = new String(value.array(), 0, value.position(), StandardCharsets.US_ASCII).split(" ");
      // Written after the last byte: a file changed in place since then has another size or time.
      if (parts.length == 3 && Long.parseLong(parts[1]) == identity.size()
        && Long.parseLong(parts[2]) == identity.modifiedNanos()) {
        return parts[0];
      }
      return null;
    } catch (IOException | UnsupportedOperationException | NumberFormatException e) {
      return null;
    }
  }

  /** Best effort: without extended attributes the checksum is computed again after a restart. */
  static void writeSha256(Path path, FileIdentity identity, String sha256) {
    try {
      UserDefinedFileAttributeView view = Files.getFileAttributeView(path, UserDefinedFileAttributeView.class);
      if (view != null) {
        String value = sha256 + " " + identity.size() + " " + identity.modifiedNanos();
        view.write(SHA256_ATTRIBUTE, ByteBuffer.wrap(value.getBytes(StandardCharsets.US_ASCII)));
      }
    } catch (IOException | UnsupportedOperationException e) {
      // optional
    }
  }

  /** Makes a rename in {@code directory} durable. */
  static void syncDirectory(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some file systems cannot sync a directory; the file itself is already synced.
    }
  }

  static boolean isNoSpace(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = t instanceof FileSystemException fse ? fse.getReason() : t.getMessage();
      if (message != null && message.contains("No space left")) {
        return true;
      }
    }
    return false;
  }
}
