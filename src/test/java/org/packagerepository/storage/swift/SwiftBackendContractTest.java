package org.packagerepository.storage.swift;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.packagerepository.http.TcpForwarder;
import org.packagerepository.http.TestBytes;
import org.packagerepository.storage.StorageBackendContract;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The storage contract on a real one-node Swift with tempauth. One node serves the whole class; each test gets a new
 * container and, inside it, a path two levels deep ({@code outer/inner-<n>}), so that an object written beside or
 * above the path shows. The server reaches Swift through a {@link TcpForwarder}: the Swift that goes away is the
 * forwarder switched off (every connection cut), and on again.
 */
@DisplayName("storage contract on OpenStack Swift")
class SwiftBackendContractTest extends StorageBackendContract {

  /** 1 MiB segments: a package of 12 MiB is thirteen of them. */
  private static final int SEGMENT_SIZE = MIB;
  /** Three names a listing request: ten packages take four pages. */
  private static final int PAGE_SIZE = 3;
  private static final AtomicInteger TESTS = new AtomicInteger();

  private static SwiftTestNode node;
  private static SwiftTestAccount account;

  private TcpForwarder forwarder;
  private boolean away;
  private String container;
  private String segments;
  private String prefix;

  @BeforeAll
  static void startSwift() throws Exception {
    node = SwiftTestNode.start();
    account = new SwiftTestAccount(node);
  }

  @AfterAll
  static void stopSwift() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  @Override
  protected JsonObject freshStorage() throws Exception {
    int test = TESTS.incrementAndGet();
    container = "contract-" + test;
    segments = container + "_segments";
    prefix = "outer/inner-" + test;
    forwarder = TcpForwarder.to(node.proxyPort());
    away = false;
    JsonObject section = account.section(container, prefix);
    section.getJsonObject("access").put("auth_url", "http://127.0.0.1:" + forwarder.port() + "/auth/v1.0");
    section.getJsonObject("container").put("segment_size", SEGMENT_SIZE).put("page_size", PAGE_SIZE);
    return new JsonObject().put("SwiftRepository", section);
  }

  @Override
  protected int partSize() {
    return SEGMENT_SIZE;
  }

  @Override
  protected int pageSize() {
    return PAGE_SIZE;
  }

  @Override
  protected void storeDirectly(String name, byte[] bytes) throws Exception {
    account.put(container, Path.of(prefix).resolve(name).normalize().toString(), bytes);
  }

  /** Every object of the container, named from the path; the segment container is {@link #assertNoUploadLeft()}'s. */
  @Override
  protected Set<String> objects() throws Exception {
    Set<String> objects = new TreeSet<>();
    for (String name : account.names(container)) {
      objects.add(Path.of(prefix).relativize(Path.of(name)).toString());
    }
    return objects;
  }

  /** The segment container holds exactly the segments of the packages that are Static Large Objects. */
  @Override
  protected void assertNoUploadLeft() throws Exception {
    Set<String> referenced = new HashSet<>();
    for (String name : account.names(container)) {
      referenced.addAll(account.segmentsOf(container, name));
    }
    Set<String> unused = new TreeSet<>(segmentNames());
    unused.removeAll(referenced);
    assertEquals(Set.of(), unused, "segments that belong to no package");
  }

  /** Its segments, several of them written. */
  @Override
  protected void assertUploadUnderway(String file) throws Exception {
    assertTrue(account.names(segments).size() >= 3, "segments are being written");
  }

  /**
   * A Static Large Object with the package's SHA-256 in its metadata, made of full segments and a short last one, which
   * are all the segment container holds.
   */
  @Override
  protected void assertStoredInParts(String file, byte[] bytes) throws Exception {
    String name = prefix + "/" + file;
    HttpResponse<String> head = account.head(container, name);
    assertEquals("True", head.headers().firstValue("X-Static-Large-Object").orElse(""), "a Static Large Object");
    assertEquals(TestBytes.sha256Hex(bytes), head.headers().firstValue("X-Object-Meta-Sha256").orElse(""));
    assertEquals((bytes.length + SEGMENT_SIZE - 1) / SEGMENT_SIZE, account.names(segments).size(),
      "full segments and a short last one");
    assertEquals(segmentNames(), account.segmentsOf(container, name));
  }

  @Override
  protected void storeGoesAway() throws Exception {
    forwarder.stop();
    away = true;
  }

  @Override
  protected void storeComesBack() throws Exception {
    if (away) {
      forwarder.start();
      away = false;
    }
  }

  @Override
  protected void cleanUpStorage() throws Exception {
    try {
      if (forwarder != null) {
        forwarder.close();
      }
    } finally {
      account.deleteContainer(container);
      account.deleteContainer(segments);
    }
  }

  /** The segments, as {@code <segment container>/<name>}. */
  private Set<String> segmentNames() throws Exception {
    Set<String> names = new HashSet<>();
    for (String segment : account.names(segments)) {
      names.add(segments + "/" + segment);
    }
    return names;
  }
}
