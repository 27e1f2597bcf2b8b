package dev.runbook.activities.service;

import dev.runbook.activities.Failures;
import dev.runbook.activities.Heartbeat;
import dev.runbook.activities.exec.CommandRunner;
import dev.runbook.workflows.activities.FailureType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One activity call's way to the outside: it runs commands, heartbeats while they run, and keeps
 * the list of what was run (commands as argv, HTTP requests, file writes) for {@code planned}.
 */
final class Trace {
  private final Heartbeat heartbeat;
  private final CommandRunner runner;
  private final List<String> ran = new ArrayList<>();

  Trace(Heartbeat heartbeat, CommandRunner runner) {
    this.heartbeat = heartbeat;
    this.runner = runner;
  }

  /** Reports progress to Temporal; throws when the activity was cancelled. */
  void progress(String what) {
    heartbeat.beat(what);
  }

  /** Reports the last progress again. */
  void beat() {
    heartbeat.beat();
  }

  /** Notes something done that is not a command: an HTTP request, a file rewrite, a signal. */
  void note(String what) {
    ran.add(what);
  }

  /** A trace for repeated polls: same heartbeat, but what it runs is not listed. */
  Trace quiet() {
    return new Trace(heartbeat, runner);
  }

  List<String> ran() {
    return List.copyOf(ran);
  }

  CommandRunner.Result run(CommandRunner.Command command) {
    ran.add(command.display());
    return runner.run(command, heartbeat.ticker(), null);
  }

  /**
   * Runs a command that must succeed. A non-zero exit is {@link FailureType#COMMAND_FAILED}
   * (retryable) unless {@code classify} recognises its error output as permanent (an unknown
   * deployment, refused credentials).
   */
  CommandRunner.Result runChecked(CommandRunner.Command command,
      Function<String, FailureType> classify) {
    CommandRunner.Result result = run(command);
    if (!result.ok()) {
      FailureType type = classify.apply(result.stderr() + "\n" + result.stdout());
      throw Failures.of(type == null ? FailureType.COMMAND_FAILED : type,
          command.display() + " exited " + result.exitCode() + ": " + result.tail(800));
    }
    return result;
  }

  CommandRunner.Result runChecked(CommandRunner.Command command) {
    return runChecked(command, output -> null);
  }
}
