package org.packagerepository.storage.swift;

import org.junit.jupiter.api.Assumptions;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Debian's {@code swift} command (python-swiftclient), run against a {@link SwiftTestNode}. */
final class SwiftCli {

  private SwiftCli() {
  }

  /** The output lines of {@code swift -A <auth> -U <user> -K <key> <args>}, trimmed; fails unless it exits with 0. */
  static List<String> run(SwiftTestNode node, String... args) throws Exception {
    return runWith(List.of("-A", node.authUrl(), "-U", node.user(), "-K", node.key()), args);
  }

  /** The same with other authentication options, e.g. Keystone v3's. */
  static List<String> runWith(List<String> auth, String... args) throws Exception {
    if (!Files.isExecutable(Path.of("/usr/bin/swift"))) {
      String message = "Debian's swift command is not installed: apt-get install python3-swiftclient";
      if ("true".equals(System.getenv("PR_REQUIRE_ALL_BACKENDS"))) {
        throw new AssertionError(message);
      }
      Assumptions.abort(message);
    }
    List<String> command = new java.util.ArrayList<>(List.of("swift"));
    command.addAll(auth);
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new AssertionError(String.join(" ", args) + " failed: " + new String(output, StandardCharsets.UTF_8));
    }
    return new String(output, StandardCharsets.UTF_8).lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
  }
}
