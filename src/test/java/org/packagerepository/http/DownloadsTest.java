package org.packagerepository.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * What {@code /stats} shows of the downloads in flight, as they start and end in any order: each version's count and
 * bytes, and a version gone (its bytes forgotten) once its last download has ended.
 */
class DownloadsTest {

  private static final String APP = "app-1.0.0.tar.gz";
  private static final String TOOL = "tool-2.0.0.tar.gz";

  @Test
  void versionsCountTheirDownloadsAndBytesWhicheverEndsFirst() {
    Downloads downloads = new Downloads(0);
    List<Downloads.Download> app = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      long sent = i * 100L;
      app.add(admitted(downloads, APP, sent));
    }
    Downloads.Download tool = admitted(downloads, TOOL, 7);
    assertEquals(stats(5, version(APP, 4, 1000), version(TOOL, 1, 7)), downloads.toJson());

    // One from the middle, the newest, then the oldest: those left are still counted, with the ended ones' bytes.
    app.get(1).finish();
    app.get(3).finish();
    app.get(0).finish();
    assertEquals(stats(2, version(APP, 1, 1000), version(TOOL, 1, 7)), downloads.toJson());

    // A download ends once, however many times it is told.
    app.get(1).finish();
    assertEquals(2, downloads.active());

    app.get(2).finish();
    assertEquals(stats(1, version(TOOL, 1, 7)), downloads.toJson());
    tool.finish();
    assertEquals(stats(0), downloads.toJson());
    assertEquals(false, downloads.inFlight(APP));

    // A version downloaded again after it was idle starts its bytes from nothing.
    Downloads.Download again = admitted(downloads, APP, 5);
    assertEquals(stats(1, version(APP, 1, 5)), downloads.toJson());
    again.finish();
    assertEquals(stats(0), downloads.toJson());
  }

  @Test
  void theServersBoundAndAClientsShareAreKeptAsDownloadsEnd() {
    Downloads downloads = new Downloads(3);
    Downloads.Download first = downloads.admit("address a", 2, APP, () -> 0).download();
    Downloads.Download second = downloads.admit("address a", 2, APP, () -> 0).download();
    assertEquals(Downloads.Refusal.CLIENT_LIMIT, downloads.admit("address a", 2, APP, () -> 0).refusal());
    Downloads.Download third = downloads.admit("address b", 2, TOOL, () -> 0).download();
    assertEquals(Downloads.Refusal.SERVER_LIMIT, downloads.admit("address c", 2, APP, () -> 0).refusal());

    first.finish();
    Downloads.Admission fourth = downloads.admit("address a", 2, APP, () -> 0);
    assertNull(fourth.refusal());
    assertEquals(3, downloads.active());
    second.finish();
    third.finish();
    fourth.download().finish();
    assertEquals(stats(0), downloads.toJson());
  }

  private static Downloads.Download admitted(Downloads downloads, String file, long sent) {
    Downloads.Admission admission = downloads.admit(null, 0, file, () -> sent);
    assertNull(admission.refusal());
    return admission.download();
  }

  private static JsonObject stats(int active, JsonObject... versions) {
    return new JsonObject().put("active", active).put("versions", new JsonArray(List.of((Object[]) versions)));
  }

  private static JsonObject version(String file, int active, long bytes) {
    return new JsonObject().put("file", file).put("active", active).put("bytes_sent", bytes);
  }
}
