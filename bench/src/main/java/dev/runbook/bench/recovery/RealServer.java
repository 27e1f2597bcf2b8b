package dev.runbook.bench.recovery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The real Temporal server must be built already: the bench does not spend minutes building it. */
final class RealServer {
  private RealServer() {}

  /** @throws IllegalStateException saying how to build it, when {@code scripts/temporal-server path} finds none */
  static void requireBuilt() throws IOException, InterruptedException {
    Path script = script();
    Process p = new ProcessBuilder(script.toString(), "path").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("the real Temporal server is not built (scripts/temporal-server path: " + out
          + "): run scripts/temporal-server install first (Go 1.26+, several minutes)");
    }
  }

  /** scripts/temporal-server of the checkout: from runbook.home (scripts/bench sets it), else the directory upwards. */
  static Path script() {
    Path start = Path.of(System.getProperty("runbook.home", "")).toAbsolutePath();
    for (Path p = start; p != null; p = p.getParent()) {
      Path s = p.resolve("scripts").resolve("temporal-server");
      if (Files.isExecutable(s)) {
        return s;
      }
    }
    throw new IllegalStateException("scripts/temporal-server not found in " + start + " or above");
  }

  /**
   * Stops the server whose state is in {@code stateDir} if one runs there: the stack starts it
   * before it reads its configuration, and a stack that failed to start cannot close it.
   */
  static void stopIfRunning(Path stateDir) {
    if (!Files.isDirectory(stateDir)) {
      return;
    }
    try {
      new ProcessBuilder(script().toString(), "stop", "--db", "sqlite", "--dir", stateDir.toString())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    } catch (IOException e) {
      // Nothing ran there.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
