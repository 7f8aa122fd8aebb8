package org.packagerepository.storage.fs;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.io.TempDir;
import org.packagerepository.http.PackageApiContract;

import java.nio.file.Path;

/** The API contract on the file-system backend; subclasses only choose how downloads are sent. */
abstract class FsApiContract extends PackageApiContract {

  private final boolean zeroCopy;

  @TempDir
  Path sandbox;

  private FsTestStorage storage;

  FsApiContract(boolean zeroCopy) {
    this.zeroCopy = zeroCopy;
  }

  @Override
  protected JsonObject backendSection() {
    storage = new FsTestStorage(sandbox);
    return storage.section(zeroCopy);
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
