package dev.runbook.bench.database;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Running the alternatives' commands as real child processes, their output kept for errors. */
final class Processes {
  private Processes() {}

  /** Runs argv to the end; a non-zero exit is an error naming the action and the output's tail. */
  static void run(List<String> argv, Map<String, String> env, String action) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().putAll(env);
    Path out = Files.createTempFile("runbook-bench-", ".out");
    pb.redirectOutput(out.toFile());
    Process p = pb.start();
    try {
      int code = p.waitFor();
      if (code != 0) {
        String text = Files.readString(out, StandardCharsets.UTF_8);
        throw new IOException(action + " exited " + code + ": "
            + text.substring(Math.max(0, text.length() - 800)).strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(action + " was interrupted", e);
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
      Files.deleteIfExists(out);
    }
  }

  /** Runs a bash pipeline (pipefail: any stage failing fails it), as a runbook's shell line would. */
  static void shell(String script, Map<String, String> env, String action) throws IOException {
    run(List.of("bash", "-c", "set -euo pipefail; " + script), env, action);
  }
}
