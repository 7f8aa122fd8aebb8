package org.packagerepository.storage.fs;

import org.junit.jupiter.api.DisplayName;

/** The API contract on the file-system backend, downloads streamed from storage over the event bus. */
@DisplayName("HTTP API on the file system, downloads streamed over the event bus")
class FsStreamingApiTest extends FsApiContract {

  FsStreamingApiTest() {
    super(false);
  }
}
