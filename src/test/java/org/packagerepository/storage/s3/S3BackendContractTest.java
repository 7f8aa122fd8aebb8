package org.packagerepository.storage.s3;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.packagerepository.http.TestBytes;
import org.packagerepository.storage.StorageBackendContract;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The storage contract on S3, against S3Proxy in-process. One S3Proxy serves the whole class; each test gets a new
 * bucket and, inside it, a prefix two levels deep ({@code outer/inner-<n>}), so that an object written beside or above
 * the prefix shows. The store that goes away is S3Proxy stopped, and started again on the same port.
 */
@DisplayName("storage contract on S3 (S3Proxy)")
class S3BackendContractTest extends StorageBackendContract {

  /** S3's smallest part: a package of 60 MiB is thirteen of them. */
  private static final int PART_SIZE = 5 * MIB;
  /** ListObjectsV2 answers at most 1,000 keys a page (S3Proxy too), and the backend has no setting for fewer. */
  private static final int PAGE_SIZE = 1000;
  private static final AtomicInteger TESTS = new AtomicInteger();

  private static S3TestStore store;

  /** The test's key prefix, without the trailing slash. */
  private String prefix;

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
  protected JsonObject freshStorage() throws Exception {
    store.start();
    store.freshBucket();
    prefix = "outer/inner-" + TESTS.incrementAndGet();
    JsonObject config = store.section(prefix);
    config.getJsonObject("S3Repository").getJsonObject("container").put("part_size", PART_SIZE);
    return config;
  }

  @Override
  protected int partSize() {
    return PART_SIZE;
  }

  @Override
  protected int pageSize() {
    return PAGE_SIZE;
  }

  @Override
  protected void storeDirectly(String name, byte[] bytes) throws Exception {
    store.putDirectly(Path.of(prefix).resolve(name).normalize().toString(), bytes);
  }

  /**
   * Every key of the bucket, but S3Proxy's objects of multipart uploads and the checksum objects that packages name,
   * named from the prefix.
   */
  @Override
  protected Set<String> objects() throws Exception {
    Set<String> objects = new TreeSet<>();
    for (String key : store.keysButNamedChecksums()) {
      if (!S3TestStore.isMultipartBookkeeping(key)) {
        objects.add(Path.of(prefix).relativize(Path.of(key)).toString());
      }
    }
    return objects;
  }

  @Override
  protected void assertNoUploadLeft() throws Exception {
    assertEquals(List.of(), store.multipartUploadsInProgress(),
      "multipart uploads neither completed nor aborted (ListMultipartUploads)");
    assertEquals(List.of(), store.keys().stream().filter(S3TestStore::isMultipartBookkeeping).toList(),
      "S3Proxy's objects of a multipart upload, at the bucket root: an upload in progress, or a part that arrived "
        + "after its upload was completed without it or aborted");
  }

  /** Its multipart upload, in progress. */
  @Override
  protected void assertUploadUnderway(String file) throws Exception {
    assertEquals(1, store.multipartUploadsInProgress().size(), "a multipart upload in progress");
  }

  /**
   * One object on the package's key, of the package's size, the multipart object of its parts, with its SHA-256 in the
   * checksum object its metadata names.
   */
  @Override
  protected void assertStoredInParts(String file, byte[] bytes) throws Exception {
    HeadObjectResponse head = S3TestStore.await(store.client().headObject(r -> r.bucket(store.bucket())
      .key(prefix + "/" + file)));
    assertEquals(bytes.length, head.contentLength());
    assertTrue(head.eTag().matches("\"[0-9a-f]{32}-[0-9]+\""), "a multipart object: " + head.eTag());
    assertEquals(TestBytes.sha256Hex(bytes), new String(store.getDirectly(prefix + "/.checksums/" + file + "/"
      + head.metadata().get("checksum-id")), java.nio.charset.StandardCharsets.UTF_8));
  }

  @Override
  protected void storeGoesAway() throws Exception {
    store.stop();
  }

  @Override
  protected void storeComesBack() throws Exception {
    store.start();
  }

  /** Removes the test's bucket with everything in it. */
  @Override
  protected void cleanUpStorage() throws Exception {
    store.start();
    store.deleteBucket();
  }
}
