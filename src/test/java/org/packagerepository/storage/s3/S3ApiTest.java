package org.packagerepository.storage.s3;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.packagerepository.http.PackageApiContract;
import org.packagerepository.http.TestBytes;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.packagerepository.storage.s3.S3TestStore.await;

/**
 * The API contract on the S3 backend, against S3Proxy in-process. One S3Proxy serves the whole class; each test gets a
 * new bucket and, inside it, a prefix two levels deep ({@code outer/inner-<n>}), so that an object written beside or
 * above the prefix shows.
 */
@DisplayName("HTTP API on S3 (S3Proxy)")
class S3ApiTest extends PackageApiContract {

  private static final AtomicInteger TESTS = new AtomicInteger();

  private static S3TestStore store;

  /** The test's key prefix, without the trailing slash. */
  private String prefix;
  /** The files that {@link #putDirectly} wrote under the prefix. */
  private final Set<String> putDirectly = new HashSet<>();

  @BeforeAll
  static void startStore() throws Exception {
    store = S3TestStore.create();
  }

  @AfterAll
  static void closeStore() throws Exception {
    if (store != null) {
      store.close();
    }
  }

  @Override
  protected JsonObject backendSection() throws Exception {
    store.start();
    store.freshBucket();
    prefix = "outer/inner-" + TESTS.incrementAndGet();
    return store.section(prefix);
  }

  @Override
  protected void putDirectly(String file, byte[] bytes) throws Exception {
    store.putDirectly(prefix + "/" + file, bytes);
    putDirectly.add(file);
  }

  /**
   * No multipart upload is in progress, no object lies outside {@code <prefix>/} or deeper than
   * {@code <prefix>/<file>} (a checksum object under {@code .checksums/} that no package names included), and every
   * object directly under the
   * prefix is a package that the server lists or an object the test put there itself.
   */
  @Override
  protected void assertNothingLeftBehind() throws Exception {
    String directory = prefix + "/";
    assertEquals(List.of(), store.multipartUploadsInProgress(),
      "multipart uploads neither completed nor aborted (ListMultipartUploads)");

    List<String> keys = store.keysButNamedChecksums();
    assertEquals(List.of(), keys.stream().filter(k -> !k.startsWith(directory)).filter(S3TestStore::isMultipartBookkeeping)
        .toList(),
      "S3Proxy's objects of a multipart upload, at the bucket root: an upload in progress, or a part that arrived after "
        + "its upload was completed without it or aborted");
    assertEquals(List.of(), keys.stream().filter(k -> !k.startsWith(directory)).toList(),
      "objects outside " + directory);

    List<String> files = keys.stream().map(k -> k.substring(directory.length())).toList();
    assertEquals(List.of(), files.stream().filter(f -> f.isEmpty() || f.contains("/")).toList(),
      "objects nested deeper than " + directory + "<file>, e.g. temporary objects under .incoming/");

    Set<String> listed = listedFiles();
    assertEquals(List.of(), files.stream().filter(f -> !listed.contains(f) && !putDirectly.contains(f)).toList(),
      "objects under " + directory + " that are neither packages the server lists nor objects the test put there: "
        + "temporary or partial objects");
  }

  /** Removes the test's bucket with everything in it (directly in the blob store: it works while S3Proxy is down). */
  @Override
  protected void cleanUpStorage() {
    if (store != null) {
      store.deleteBucket();
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The check itself

  @Test
  @DisplayName("the leftover check passes with packages and objects put directly, and sees each kind of leftover")
  void theLeftoverCheckSeesEachKindOfLeftover() throws Throwable {
    api.upload(APP, TestBytes.random(100, 1));
    putDirectly("README.txt", new byte[1]);
    assertNothingLeftBehind();

    // a temporary object beside the packages
    store.putDirectly(prefix + "/.app-1.0.0.tar.gz.tmp", new byte[1]);
    assertThrows(AssertionError.class, this::assertNothingLeftBehind);
    await(store.client().deleteObject(r -> r.bucket(store.bucket()).key(prefix + "/.app-1.0.0.tar.gz.tmp")));
    // one under .incoming/
    store.putDirectly(prefix + "/.incoming/x.part", new byte[1]);
    assertThrows(AssertionError.class, this::assertNothingLeftBehind);
    await(store.client().deleteObject(r -> r.bucket(store.bucket()).key(prefix + "/.incoming/x.part")));
    // a checksum object no package names
    String orphan = prefix + "/.checksums/" + APP + "/0b5e4d4e-7a3c-4c1e-9d3f-2f6a1c9b8e77";
    store.putDirectly(orphan, new byte[64]);
    assertThrows(AssertionError.class, this::assertNothingLeftBehind);
    await(store.client().deleteObject(r -> r.bucket(store.bucket()).key(orphan)));
    // one above the prefix
    store.putDirectly("outer/app-1.0.0.tar.gz", new byte[1]);
    assertThrows(AssertionError.class, this::assertNothingLeftBehind);
    await(store.client().deleteObject(r -> r.bucket(store.bucket()).key("outer/app-1.0.0.tar.gz")));
    // a multipart upload in progress on a package's own key
    String key = prefix + "/" + APP;
    String uploadId = await(store.client().createMultipartUpload(r -> r.bucket(store.bucket()).key(key))).uploadId();
    assertThrows(AssertionError.class, this::assertNothingLeftBehind);
    await(store.client().abortMultipartUpload(r -> r.bucket(store.bucket()).key(key).uploadId(uploadId)));

    assertNothingLeftBehind();
  }
}
