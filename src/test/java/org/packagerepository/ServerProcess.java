package org.packagerepository;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server in a JVM of its own ({@link Main} on the test classpath), as an operator runs it: its port is read from
 * its log, its output kept, and it can be sent SIGTERM. Closing it kills what is still running.
 */
public final class ServerProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");

  private final Process process;
  /** What the server prints, line by line, as it comes. */
  private final List<String> output;
  private final int port;

  private ServerProcess(Process process, List<String> output, int port) {
    this.process = process;
    this.output = output;
    this.port = port;
  }

  /** Starts {@code java <jvmOptions> Main --config <config>} and waits until it listens. */
  public static ServerProcess start(Path config, String... jvmOptions) throws IOException {
    return start(null, Map.of(), config, jvmOptions);
  }

  /**
   * The same in {@code workingDirectory} (null: this one), with {@code environment} added to this process's: as an
   * operator starts it from the directory its relative paths are meant from.
   */
  public static ServerProcess start(Path workingDirectory, Map<String, String> environment, Path config,
                                   String... jvmOptions)
    throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(jvmOptions));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(),
      "--config", config.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (workingDirectory != null) {
      builder.directory(workingDirectory.toFile());
    }
    builder.environment().putAll(environment);
    Process process = builder.start();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          lines.add(line);
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            port.complete(Integer.parseInt(m.group(1)));
          }
        }
        port.completeExceptionally(new AssertionError("The server exited before listening: " + lines));
      } catch (IOException e) {
        port.completeExceptionally(e);
      }
    }, "server-output");
    reader.setDaemon(true);
    reader.start();
    try {
      return new ServerProcess(process, lines, port.get(30, TimeUnit.SECONDS));
    } catch (Exception e) {
      process.destroyForcibly();
      throw new AssertionError("The server did not start: " + lines, e);
    }
  }

  public int port() {
    return port;
  }

  /** Everything the server has printed so far. */
  public List<String> output() {
    return List.copyOf(output);
  }

  public boolean printed(String text) {
    return output.stream().anyMatch(line -> line.contains(text));
  }

  /**
   * SIGTERM, as {@code docker stop} or systemd send it. Through the process handle: {@link Process#destroy()} would
   * also close the pipes of the server's output, and what it logs while stopping would be lost.
   */
  public void terminate() {
    process.toHandle().destroy();
  }

  /** Waits for the process to exit; its exit code, or -1 when it has not exited within the time. */
  public int waitFor(long seconds) throws InterruptedException {
    return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
  }

  /** The process, to kill (-9), pause (SIGSTOP) or resume it. */
  public ProcessHandle handle() {
    return process.toHandle();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
