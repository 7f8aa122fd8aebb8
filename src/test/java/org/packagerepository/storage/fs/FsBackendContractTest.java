package org.packagerepository.storage.fs;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.packagerepository.storage.StorageBackendContract;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The storage contract on the file-system backend, in a package directory nested inside a sandbox (see
 * {@link FsTestStorage}): anything written beside or above the directory shows. The store that goes away is the
 * directory moved away (an unmounted volume) and back.
 */
@DisplayName("storage contract on the file system")
class FsBackendContractTest extends StorageBackendContract {

  @TempDir
  Path sandbox;

  private FsTestStorage storage;
  private Path away;

  @Override
  protected JsonObject freshStorage() {
    storage = new FsTestStorage(sandbox);
    away = sandbox.resolve("unmounted");
    return storage.section(true);
  }

  /** No parts: an upload is one file, whatever its size. The tests count in MiB here. */
  @Override
  protected int partSize() {
    return MIB;
  }

  /** No pages: the directory is read in one pass. A directory of a thousand packages and more stands in for them. */
  @Override
  protected int pageSize() {
    return 1000;
  }

  @Override
  protected void storeDirectly(String name, byte[] bytes) throws IOException {
    Path target = storage.root().resolve(name).normalize();
    Files.createDirectories(target.getParent());
    Files.write(target, bytes);
  }

  /**
   * Every file in the sandbox, and every empty directory (with a trailing {@code /}), named from the package directory;
   * not the path down to it, nor {@code .incoming} itself (the files in it are there).
   */
  @Override
  protected Set<String> objects() throws IOException {
    Set<String> objects = new TreeSet<>();
    try (Stream<Path> all = Files.walk(sandbox)) {
      for (Path path : all.toList()) {
        if (storage.root().startsWith(path) || path.equals(storage.incoming())) {
          continue;
        }
        String name = storage.root().relativize(path).toString();
        if (Files.isDirectory(path)) {
          try (Stream<Path> entries = Files.list(path)) {
            if (entries.findAny().isEmpty()) {
              objects.add(name + "/");
            }
          }
        } else {
          objects.add(name);
        }
      }
    }
    return objects;
  }

  @Override
  protected void assertNoUploadLeft() throws IOException {
    assertEquals(List.of(), incomingFiles(), "temporary files left in " + storage.incoming());
  }

  /** Its temporary file in {@code .incoming}, which has grown past two of the parts sent. */
  @Override
  protected void assertUploadUnderway(String file) throws IOException {
    List<Path> incoming = incomingFiles();
    assertEquals(1, incoming.size(), "one upload in " + storage.incoming() + ": " + incoming);
    assertTrue(Files.size(incoming.get(0)) >= 2L * partSize(), "the upload's bytes are being written");
  }

  /** A plain file in the directory, holding exactly those bytes. */
  @Override
  protected void assertStoredInParts(String file, byte[] bytes) throws IOException {
    assertArrayEquals(bytes, Files.readAllBytes(storage.root().resolve(file)));
  }

  @Override
  protected void storeGoesAway() throws IOException {
    Files.move(storage.root(), away);
  }

  @Override
  protected void storeComesBack() throws IOException {
    if (away != null && Files.exists(away)) {
      Files.move(away, storage.root());
    }
  }

  @Override
  protected void assumeDownloadsCanBeCut() {
    Assumptions.abort("a file once open is read to its end wherever its directory goes: nothing can cut a download");
  }

  @Override
  protected void assumeUploadsCanBeCut() {
    Assumptions.abort("a file once open is written to its end wherever its directory goes: nothing can cut an upload");
  }

  private List<Path> incomingFiles() throws IOException {
    if (!Files.isDirectory(storage.incoming())) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(storage.incoming())) {
      return files.toList();
    }
  }
}
