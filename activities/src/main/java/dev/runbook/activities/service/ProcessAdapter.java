package dev.runbook.activities.service;

import dev.runbook.activities.Failures;
import dev.runbook.activities.exec.Shell;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.policy.Durations;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A local process that the adapter itself starts and stops. Its state lives in the service's
 * state directory: {@code pid} (the process id and its start time, so a recycled pid is never
 * taken for ours), {@code history.json} (the deployed version first, then the earlier ones) and
 * {@code service.log} (the process's output).
 *
 * <p>The process is started in its own session ({@code setsid}, when installed) with its output
 * going to the log file, so it keeps running when the worker stops or its terminal is closed:
 * the worker is a controller, not the service's parent in any way that matters.
 */
final class ProcessAdapter extends BaseAdapter {
  private static final Duration KILL_WAIT = Duration.ofSeconds(5);
  private static final Duration SETTLE_WITHOUT_HEALTH = Duration.ofSeconds(1);
  /** A starting process that accepted the connection but does not answer is polled again. */
  private static final Duration POLL_TIMEOUT = Duration.ofSeconds(1);

  private final ProcessSettings settings;
  private final Path workDir;
  private final Path pidFile;
  private final Path logFile;
  private final VersionHistory history;
  private final Executables executables;

  ProcessAdapter(String service, ProcessSettings settings, Endpoints endpoints, Path workDir,
      Path stateDir, VersionHistory history, Executables executables) {
    super(service, endpoints);
    this.settings = settings;
    this.workDir = workDir;
    this.pidFile = stateDir.resolve("pid");
    this.logFile = stateDir.resolve("service.log");
    this.history = history;
    this.executables = executables;
  }

  @Override
  public Plan planStop(Trace reads) {
    Optional<ProcessHandle> running = running();
    if (running.isEmpty()) {
      return Plan.nothing(service + " is not running: nothing to stop");
    }
    return new Plan(List.of(terminateStep(running.get())),
        "stop " + service + " (pid " + running.get().pid() + ")");
  }

  @Override
  public Plan planStart(Trace reads) {
    Optional<ProcessHandle> running = running();
    if (running.isPresent()) {
      return Plan.nothing(service + " is already running as pid " + running.get().pid());
    }
    String version = history.newest().orElseThrow(() -> Failures.of(FailureType.INVALID_INPUT,
        service + " has never been deployed, so there is no version to start: deploy one"
            + " first"));
    return new Plan(List.of(spawnStep(version)), "start " + service + " " + version);
  }

  @Override
  public Plan planDeploy(String version, Trace reads) {
    Optional<ProcessHandle> running = running();
    Optional<String> current = currentVersion(reads);
    if (running.isPresent()) {
      Optional<String> noop = alreadyRunning(version, current, reads);
      if (noop.isPresent()) {
        return Plan.nothing(noop.get());
      }
    }
    List<Step> steps = new ArrayList<>();
    running.ifPresent(p -> steps.add(terminateStep(p)));
    steps.add(step("record " + version + " as the deployed version in " + history.file(),
        trace -> history.record(version)));
    steps.add(spawnStep(version));
    return new Plan(steps, "deploy " + service + " " + version + " (running now: "
        + current.orElse("unknown") + ")");
  }

  /**
   * Stops the process if it runs and starts the deployed version again: it reads its env anew. A
   * service started before these workers deployed it restarts on the version it says it runs.
   */
  @Override
  public Plan planRestart(Trace reads) {
    String version = history.newest().or(() -> currentVersion(reads)).orElseThrow(() -> Failures.of(
        FailureType.INVALID_INPUT, service + " has never been deployed here and its version URL names no version,"
            + " so there is nothing to restart: deploy a version first"));
    List<Step> steps = new ArrayList<>();
    running().ifPresent(p -> steps.add(terminateStep(p)));
    steps.add(spawnStep(version));
    return new Plan(steps, "restart " + service + " " + version);
  }

  @Override
  public List<String> previousVersions(Trace trace) {
    return history.versions();
  }

  @Override
  protected Health ownHealth(Trace trace) {
    return running()
        .map(p -> new Health(true, "pid " + p.pid() + " is running"))
        .orElse(new Health(false, service + " is not running"));
  }

  @Override
  protected List<String> planOwnHealth() {
    return List.of();
  }

  @Override
  protected Optional<String> ownVersion(Trace trace) {
    return history.newest();
  }

  @Override
  protected List<String> planOwnVersion() {
    return List.of();
  }

  /** The process recorded in the pid file, if it still runs and is the one we started. */
  Optional<ProcessHandle> running() {
    String text = StateFiles.readOrNull(pidFile);
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    String[] parts = text.strip().split("\\s+");
    long pid;
    try {
      pid = Long.parseLong(parts[0]);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    if (handle.isEmpty() || parts.length < 2 || parts[1].equals("-")) {
      return handle;
    }
    // The pid may have been recycled by an unrelated process since: compare start times.
    String recorded = parts[1];
    return handle.filter(h -> h.info().startInstant()
        .map(i -> Long.toString(i.toEpochMilli()).equals(recorded))
        .orElse(true));
  }

  private List<String> launchArgv(String version) {
    List<String> argv = Argv.substitute(settings.argv(), service, version);
    Optional<Path> setsid = executables.onPath("setsid");
    if (setsid.isEmpty()) {
      return argv;
    }
    List<String> launch = new ArrayList<>(argv.size() + 1);
    launch.add(setsid.get().toString());
    launch.addAll(argv);
    return launch;
  }

  private Step spawnStep(String version) {
    return new Step(Shell.display(launchArgv(version)), trace -> spawn(version, trace));
  }

  private Step terminateStep(ProcessHandle process) {
    return new Step("kill -TERM " + process.pid() + "  (then kill -KILL " + process.pid()
        + " if still running after " + Durations.human(settings.stopGrace()) + ")",
        trace -> terminate(process, trace));
  }

  private String spawn(String version, Trace trace) {
    List<String> argv = launchArgv(version);
    trace.note(Shell.display(argv));
    trace.progress("starting " + service + " " + version);
    ProcessBuilder builder = new ProcessBuilder(argv)
        .directory(workDir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .redirectErrorStream(true);
    builder.environment().putAll(settings.env());
    Process process;
    try {
      Files.createDirectories(logFile.getParent());
      process = builder.start();
    } catch (IOException e) {
      throw Failures.of(FailureType.INVALID_INPUT, "cannot start " + service + ": "
          + e.getMessage() + ": fix services." + service + ".process.argv");
    }
    String started = process.toHandle().info().startInstant()
        .map(i -> Long.toString(i.toEpochMilli())).orElse("-");
    StateFiles.write(pidFile, (process.pid() + " " + started + "\n")
        .getBytes(StandardCharsets.UTF_8));
    return "started " + version + " as pid " + process.pid() + " (output in " + logFile + ")"
        + awaitReady(process, version, trace);
  }

  /**
   * Waits until the health URL answers or the start timeout passes; fails at once if the process
   * exits (a port in use, a bad version), with the end of its log.
   */
  private String awaitReady(Process process, String version, Trace trace) {
    long start = System.nanoTime();
    long deadline = start + settings.startTimeout().toNanos();
    Trace polls = trace.quiet();
    Health last = new Health(false, "not checked yet");
    while (true) {
      if (!process.isAlive()) {
        clearPidFile();
        throw Failures.of(FailureType.COMMAND_FAILED, service + " " + version
            + " exited with code " + process.exitValue() + " right after it was started: "
            + logTail());
      }
      if (!endpoints.hasHealth()) {
        if (System.nanoTime() - start >= SETTLE_WITHOUT_HEALTH.toNanos()) {
          return "; running";
        }
      } else {
        last = endpoints.health(polls, POLL_TIMEOUT);
        if (last.healthy()) {
          return "; healthy";
        }
      }
      if (System.nanoTime() > deadline) {
        return "; not healthy yet after " + Durations.human(settings.startTimeout()) + " (" + last.detail() + ")";
      }
      trace.beat();
      sleep(Duration.ofMillis(200));
    }
  }

  /** SIGTERM, then SIGKILL after the grace period; children left behind get the same. */
  private String terminate(ProcessHandle process, Trace trace) {
    List<ProcessHandle> children = process.descendants().toList();
    trace.progress("stopping " + service + " (pid " + process.pid() + ")");
    trace.note("kill -TERM " + process.pid());
    process.destroy();
    String how = "stopped pid " + process.pid() + " with SIGTERM";
    if (!awaitExit(process, settings.stopGrace(), trace)) {
      trace.note("kill -KILL " + process.pid());
      process.destroyForcibly();
      awaitExit(process, KILL_WAIT, trace);
      how = "killed pid " + process.pid() + " with SIGKILL after " + Durations.human(settings.stopGrace());
    }
    for (ProcessHandle child : children) {
      if (child.isAlive()) {
        child.destroy();
        if (!awaitExit(child, KILL_WAIT, trace)) {
          child.destroyForcibly();
        }
      }
    }
    if (process.isAlive()) {
      throw Failures.of(FailureType.COMMAND_FAILED, service + ": pid " + process.pid()
          + " survived SIGKILL; it may be stuck in the kernel (see ps " + process.pid() + ")");
    }
    clearPidFile();
    return how;
  }

  private static boolean awaitExit(ProcessHandle process, Duration limit, Trace trace) {
    long deadline = System.nanoTime() + limit.toNanos();
    long nextBeat = System.nanoTime();
    while (process.isAlive()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      if (System.nanoTime() >= nextBeat) {
        trace.beat();
        nextBeat = System.nanoTime() + Duration.ofSeconds(1).toNanos();
      }
      sleep(Duration.ofMillis(50));
    }
    return true;
  }

  private void clearPidFile() {
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String logTail() {
    if (!Files.exists(logFile)) {
      return "(no output)";
    }
    try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
      long length = file.length();
      long from = Math.max(0, length - 1000);
      byte[] bytes = new byte[(int) (length - from)];
      file.seek(from);
      file.readFully(bytes);
      String tail = new String(bytes, StandardCharsets.UTF_8).strip();
      return tail.isEmpty() ? "(no output)" : tail;
    } catch (IOException e) {
      return "(cannot read " + logFile + ": " + e.getMessage() + ")";
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Failures.of(FailureType.COMMAND_FAILED, "interrupted while waiting");
    }
  }
}
