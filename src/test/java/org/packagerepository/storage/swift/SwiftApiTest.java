package org.packagerepository.storage.swift;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.packagerepository.http.PackageApiContract;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The API contract on the Swift backend, against a real one-node Swift with tempauth. One node serves the whole
 * class; each test gets a new container and, inside it, a path two levels deep ({@code outer/inner-<n>}), so that an
 * object written beside or above the path shows.
 */
@DisplayName("HTTP API on OpenStack Swift")
class SwiftApiTest extends PackageApiContract {

  private static final AtomicInteger TESTS = new AtomicInteger();

  private static SwiftTestNode node;
  private static SwiftTestAccount account;

  private String container;
  private String prefix;
  private final Set<String> putDirectly = new HashSet<>();

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
  protected JsonObject backendSection() {
    int test = TESTS.incrementAndGet();
    container = "packages-" + test;
    prefix = "outer/inner-" + test;
    return new JsonObject().put("SwiftRepository", account.section(container, prefix));
  }

  @Override
  protected void putDirectly(String file, byte[] bytes) throws Exception {
    account.put(container, prefix + "/" + file, bytes);
    putDirectly.add(file);
  }

  /**
   * No object lies outside {@code <path>/} or deeper than {@code <path>/<file>}, every object under the path is a
   * package the server lists or one the test put there itself, and the segment container holds exactly the segments
   * of the packages that are Static Large Objects: none of an upload that failed, was aborted, or was replaced.
   */
  @Override
  protected void assertNothingLeftBehind() throws Exception {
    String directory = prefix + "/";
    List<String> names = account.names(container);
    assertEquals(List.of(), names.stream().filter(n -> !n.startsWith(directory)).toList(), "objects outside " + directory);
    List<String> files = names.stream().map(n -> n.substring(directory.length())).toList();
    assertEquals(List.of(), files.stream().filter(f -> f.isEmpty() || f.contains("/")).toList(),
      "objects nested deeper than " + directory + "<file>");
    Set<String> listed = listedFiles();
    assertEquals(List.of(), files.stream().filter(f -> !listed.contains(f) && !putDirectly.contains(f)).toList(),
      "objects under " + directory + " that are neither packages the server lists nor objects the test put there");

    String segmentContainer = container + "_segments";
    Set<String> referenced = new HashSet<>();
    for (String name : names) {
      referenced.addAll(account.segmentsOf(container, name));
    }
    Set<String> segments = new HashSet<>();
    for (String segment : account.names(segmentContainer)) {
      segments.add(segmentContainer + "/" + segment);
    }
    segments.removeAll(referenced);
    assertEquals(Set.of(), segments, "segments that belong to no package");
  }

  @Override
  protected void cleanUpStorage() throws Exception {
    if (container != null) {
      account.deleteContainer(container);
      account.deleteContainer(container + "_segments");
    }
  }
}
