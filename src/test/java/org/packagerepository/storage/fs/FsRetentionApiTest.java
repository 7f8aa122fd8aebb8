package org.packagerepository.storage.fs;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.packagerepository.http.RetentionApiContract;

import java.nio.file.Files;
import java.nio.file.Path;

/** Retention on the file-system backend. */
@DisplayName("retention on the file system")
class FsRetentionApiTest extends RetentionApiContract {

  @TempDir
  Path sandbox;

  private FsTestStorage storage;

  @Override
  protected JsonObject backendSection() {
    storage = new FsTestStorage(sandbox);
    return storage.section(true);
  }

  @Override
  protected void putDirectly(String file, byte[] bytes) throws Exception {
    storage.putDirectly(file, bytes);
  }

  @Override
  protected byte[] readDirectly(String file) throws Exception {
    Path path = storage.root().resolve(file);
    return Files.exists(path) ? Files.readAllBytes(path) : null;
  }
}
