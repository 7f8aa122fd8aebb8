package org.packagerepository.storage.fs;

import org.junit.jupiter.api.DisplayName;

/** The API contract on the file-system backend, downloads sent from the open file with sendfile. */
@DisplayName("HTTP API on the file system, zero-copy downloads")
class FsZeroCopyApiTest extends FsApiContract {

  FsZeroCopyApiTest() {
    super(true);
  }
}
