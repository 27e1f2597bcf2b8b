package dev.runbook.bench.cli;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A command run as a shell runs it, timed from process start to exit. */
record Timed(double millis, int exit, String out, String err) {

  static Timed run(List<String> argv, Map<String, String> env) throws Exception {
    File out = File.createTempFile("bench-out", ".txt");
    File err = File.createTempFile("bench-err", ".txt");
    try {
      ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(out).redirectError(err);
      pb.environment().putAll(env);
      long t0 = System.nanoTime();
      Process p = pb.start();
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", argv) + " did not finish in 2 minutes");
      }
      double ms = (System.nanoTime() - t0) / 1e6;
      return new Timed(ms, p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
          Files.readString(err.toPath(), StandardCharsets.UTF_8));
    } finally {
      out.delete();
      err.delete();
    }
  }

  Timed ok(List<String> argv) {
    if (exit != 0) {
      throw new IllegalStateException(String.join(" ", argv) + " exited " + exit + ":\n" + out + err);
    }
    return this;
  }
}
