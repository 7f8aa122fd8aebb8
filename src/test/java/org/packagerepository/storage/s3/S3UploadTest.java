package org.packagerepository.storage.s3;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How many parts an upload sends at once: as many as the heap has room for, within bounds. */
class S3UploadTest {

  private static final int MIB = 1024 * 1024;

  @Test
  void partsInFlightFollowTheHeap() {
    assertEquals(1, S3Upload.partsInFlight(64L * MIB, 8 * MIB), "a 64 MiB heap sends one 8 MiB part at a time");
    assertEquals(2, S3Upload.partsInFlight(128L * MIB, 8 * MIB));
    assertEquals(S3Upload.MAX_PARTS_IN_FLIGHT, S3Upload.partsInFlight(6L * 1024 * MIB, 8 * MIB));
    assertEquals(1, S3Upload.partsInFlight(6L * 1024 * MIB, 1024 * MIB), "1 GiB parts in a 6 GiB heap");
    assertEquals(1, S3Upload.partsInFlight(16L * MIB, 8 * MIB), "never fewer than one");
  }
}
