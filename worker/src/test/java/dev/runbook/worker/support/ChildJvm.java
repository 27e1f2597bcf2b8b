package dev.runbook.worker.support;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@code runbook} commands in their own JVMs, as a user's shell would. */
public final class ChildJvm {
  private ChildJvm() {}

  /** The test's real classpath (surefire and failsafe hide it behind a booter jar). */
  public static String classpath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
  }

  public static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  public static List<String> runbook(String... args) {
    List<String> argv = new ArrayList<>(List.of(java(), "-Xmx256m", "-cp", classpath(), "dev.runbook.worker.Main"));
    argv.addAll(List.of(args));
    return argv;
  }

  /** What a finished command printed and returned. */
  public record Result(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  public static Result run(Map<String, String> env, Duration timeout, String... args) {
    return run(env, timeout, runbook(args));
  }

  /** Runs {@code mainClass} from the test classpath with the given JVM options (-D...). */
  public static Result runMain(Map<String, String> env, Duration timeout, List<String> jvmOptions, String mainClass,
      String... args) {
    List<String> argv = new ArrayList<>(List.of(java(), "-Xmx256m"));
    argv.addAll(jvmOptions);
    argv.addAll(List.of("-cp", classpath(), mainClass));
    argv.addAll(List.of(args));
    return run(env, timeout, argv);
  }

  private static Result run(Map<String, String> env, Duration timeout, List<String> argv) {
    try {
      File out = File.createTempFile("runbook-out", ".txt");
      File err = File.createTempFile("runbook-err", ".txt");
      ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(out).redirectError(err);
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", argv.subList(argv.indexOf("-cp") + 2, argv.size()))
            + " did not finish in " + timeout
            + "\n" + Files.readString(err.toPath()));
      }
      Result r = new Result(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
          Files.readString(err.toPath(), StandardCharsets.UTF_8));
      out.delete();
      err.delete();
      return r;
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Starts a long-running command; its output goes to {@code log}. */
  public static Process start(Map<String, String> env, Path log, String... args) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(runbook(args)).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    return pb.start();
  }
}
