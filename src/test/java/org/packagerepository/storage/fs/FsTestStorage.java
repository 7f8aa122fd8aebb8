package org.packagerepository.storage.fs;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A package directory for one test, nested two levels inside a sandbox so that anything a path traversal wrote next to
 * or above it would still land in the sandbox, where {@link #assertNothingLeftBehind()} sees it.
 */
final class FsTestStorage {

  private final Path sandbox;
  private final Path root;

  FsTestStorage(Path sandbox) {
    this.sandbox = sandbox;
    this.root = sandbox.resolve("outer").resolve("inner").resolve("packages");
  }

  Path root() {
    return root;
  }

  Path sandbox() {
    return sandbox;
  }

  Path incoming() {
    return root.resolve(FsStorageVerticle.INCOMING);
  }

  /** The pr-config.json of this directory, without the {@code config} part. */
  JsonObject section(boolean zeroCopy) {
    return new JsonObject().put("FsRepository", new JsonObject().put("location", new JsonObject()
      .put("path", root.toString())
      .put("zero_copy", zeroCopy)
      .put("fsync", false)));
  }

  /** Writes a file into the directory as another tool would (not atomically: the test decides when it is read). */
  void putDirectly(String file, byte[] bytes) throws IOException {
    Files.write(root.resolve(file), bytes);
  }

  /**
   * Nothing waits in {@code .incoming}, the directory holds no sub-directory but {@code .incoming}, and the sandbox
   * holds nothing but the path down to the directory.
   */
  void assertNothingLeftBehind() throws IOException {
    if (Files.exists(incoming())) {
      try (Stream<Path> waiting = Files.list(incoming())) {
        List<Path> left = waiting.toList();
        assertEquals(List.of(), left, "temporary files left in " + incoming());
      }
    }
    try (Stream<Path> all = Files.walk(sandbox)) {
      List<Path> outside = all.filter(p -> !p.startsWith(root) && !root.startsWith(p)).toList();
      assertEquals(List.of(), outside, "files outside the package directory " + root);
    }
    if (Files.exists(root)) {
      try (Stream<Path> entries = Files.list(root)) {
        List<Path> directories = entries.filter(Files::isDirectory).filter(p -> !p.equals(incoming())).toList();
        assertEquals(List.of(), directories, "directories inside the package directory");
      }
      try (Stream<Path> all = Files.walk(root)) {
        assertTrue(all.allMatch(p -> p.equals(root) || p.getParent().equals(root) || p.getParent().equals(incoming())),
          "nothing nested deeper than the directory and .incoming");
      }
    }
  }
}
