package dev.runbook.worker.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.worker.support.ChildJvm;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code scripts/stack} run by a test: its own stack directory, secrets file and free ports, the
 * workers and the API started from the test's classpath (no build inside the test).
 */
final class NativeStack {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  final Path dir;
  final Path config;
  final Map<String, String> env = new LinkedHashMap<>();
  final int temporalPort;
  final int uiPort;
  final int apiPort;
  final int metricsPort;
  private final java.util.Set<Integer> taken = new java.util.HashSet<>();

  NativeStack(Path dir, Path config, Map<String, String> extraEnv) throws IOException {
    this.dir = dir;
    this.config = config;
    int pgPort = freeRange(1);
    temporalPort = freeRange(9);
    uiPort = freeRange(1);
    apiPort = freeRange(1);
    metricsPort = freeRange(2);
    env.putAll(extraEnv);
    env.put("POSTGRES_PORT", Integer.toString(pgPort));
    env.put("TEMPORAL_PORT", Integer.toString(temporalPort));
    env.put("TEMPORAL_UI_PORT", Integer.toString(uiPort));
    env.put("RUNBOOK_API_PORT", Integer.toString(apiPort));
    env.put("RUNBOOK_METRICS_PORT", Integer.toString(metricsPort));
    env.put("RUNBOOK_STACK_SECRETS", dir.resolve("stack.secrets").toString());
    env.put("RUNBOOK_CMD", String.join(" ", ChildJvm.java(), "-Xmx320m", "-cp", ChildJvm.classpath(),
        "dev.runbook.worker.Main"));
  }

  Path stackDir() {
    return dir.resolve("stack");
  }

  /** Where the workers keep state (process pid files, backups): the test's own adapters use it too. */
  Path stateDir() {
    return stackDir().resolve("state");
  }

  String temporalAddress() {
    return "127.0.0.1:" + temporalPort;
  }

  String api() {
    return "http://127.0.0.1:" + apiPort;
  }

  /** What a run of the script printed (stdout and stderr together) and how long it took. */
  record Run(int exit, String output, Duration took) {}

  Run script(String... args) throws IOException, InterruptedException {
    List<String> argv = new java.util.ArrayList<>(List.of(ROOT.resolve("scripts/stack").toString()));
    argv.addAll(List.of(args));
    argv.addAll(List.of("--dir", stackDir().toString()));
    Path out = Files.createTempFile(dir, "stack-", ".out");
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.toFile());
    pb.environment().putAll(env);
    Instant t0 = Instant.now();
    Process p = pb.start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("scripts/stack " + String.join(" ", args) + " did not finish:\n" + Files.readString(out));
    }
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Duration.between(t0, Instant.now()));
  }

  Run up() throws IOException, InterruptedException {
    Run r = script("up", "--config", config.toString());
    assertThat(r.exit()).as(r.output()).isZero();
    return r;
  }

  Run down() throws IOException, InterruptedException {
    Run r = script("down");
    assertThat(r.exit()).as(r.output()).isZero();
    return r;
  }

  /** The pid of a piece (worker-1, api, ui) from the script's pid file. */
  long pid(String piece) throws IOException {
    return Long.parseLong(Files.readString(stackDir().resolve("run").resolve(piece + ".pid")).trim().split(" ")[0]);
  }

  String log(String piece) throws IOException {
    return Files.readString(stackDir().resolve("logs").resolve(piece + ".log"));
  }

  /** The first of {@code n} consecutive ports that are free on 127.0.0.1 now. */
  private int freeRange(int n) throws IOException {
    for (int tries = 0; tries < 200; tries++) {
      // Below 32768: Temporal's PostgreSQL schema keeps membership ports (frontend + 4..7) in a smallint.
      int base = ThreadLocalRandom.current().nextInt(20000, 32700);
      boolean free = true;
      for (int p = base; p < base + n && free; p++) {
        if (taken.contains(p)) {
          free = false;
          break;
        }
        try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
          s.setReuseAddress(true);
        } catch (IOException inUse) {
          free = false;
        }
      }
      if (free) {
        for (int p = base; p < base + n; p++) {
          taken.add(p);
        }
        return base;
      }
    }
    throw new IOException("no " + n + " free consecutive ports");
  }
}
