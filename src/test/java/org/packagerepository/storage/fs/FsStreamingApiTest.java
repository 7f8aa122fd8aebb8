package org.packagerepository.storage.fs;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.packagerepository.http.PackageApiContract;

import java.nio.file.Path;

/** The API contract on the file-system backend, downloads streamed from storage over the event bus. */
@DisplayName("HTTP API on the file system, downloads streamed over the event bus")
class FsStreamingApiTest extends PackageApiContract {

  @TempDir
  Path sandbox;

  private FsTestStorage storage;

  @Override
  protected JsonObject backendSection() {
    storage = new FsTestStorage(sandbox);
    return storage.section(false);
  }

  @Override
  protected void assertNothingLeftBehind() throws Exception {
    storage.assertNothingLeftBehind();
  }

  @Override
  protected void putDirectly(String file, byte[] bytes) throws Exception {
    storage.putDirectly(file, bytes);
  }
}
