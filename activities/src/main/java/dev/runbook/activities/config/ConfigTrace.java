package dev.runbook.activities.config;

import dev.runbook.activities.Failures;
import dev.runbook.activities.Heartbeat;
import dev.runbook.activities.exec.CommandRunner;
import dev.runbook.workflows.activities.FailureType;
import io.temporal.failure.ApplicationFailure;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * One configuration activity's way to the outside: it runs commands (heartbeating while they
 * run) and keeps what it ran, as a person would read it, for {@code planned}. A configuration's
 * values may pass through a command (its argv, its output), so nothing a command says reaches a
 * message unredacted: every value this trace was told of is replaced by {@code ****}, and a
 * command is shown by its display, where values are already masked.
 */
final class ConfigTrace {
  private static final int MIN_SECRET = 4;

  private final Heartbeat heartbeat;
  private final CommandRunner runner;
  private final List<String> ran = new ArrayList<>();
  private final Set<String> values = new LinkedHashSet<>();

  ConfigTrace(Heartbeat heartbeat, CommandRunner runner) {
    this.heartbeat = heartbeat;
    this.runner = runner;
  }

  void progress(String what) {
    heartbeat.beat(what);
  }

  void note(String what) {
    ran.add(what);
  }

  List<String> ran() {
    return List.copyOf(ran);
  }

  /** Values to keep out of every message from now on. */
  void hide(java.util.Collection<String> more) {
    more.stream().filter(v -> v != null && v.length() >= MIN_SECRET).forEach(values::add);
  }

  /** The text with every hidden value replaced, longest first (one value may contain another). */
  String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String v : values.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList()) {
      out = out.replace(v, Templates.MASK);
    }
    return out;
  }

  /**
   * Runs a command that must succeed.
   *
   * @param display the command as a person reads it (values masked)
   * @param input written to the command's standard input, or null
   * @param classify names a permanent failure from the command's output, or returns null
   */
  CommandRunner.Result run(List<String> argv, String display, Path workDir, Duration timeout, String input,
      Function<String, FailureType> classify) {
    ran.add(display);
    CommandRunner.Command command = new CommandRunner.Command(argv, java.util.Map.of(), workDir, timeout);
    CommandRunner.Result result;
    try {
      result = runner.run(command, input == null ? null : input.getBytes(StandardCharsets.UTF_8), heartbeat.ticker());
    } catch (ApplicationFailure f) {
      FailureType type = f.getType() == null ? FailureType.COMMAND_FAILED : FailureType.valueOf(f.getType());
      if (type == FailureType.COMMAND_TIMEOUT) {
        throw Failures.of(type, display + " did not finish within " + timeout + " and was killed");
      }
      throw Failures.of(type, redact(f.getOriginalMessage()));
    }
    if (!result.ok()) {
      String output = result.stderr() + "\n" + result.stdout();
      FailureType type = classify.apply(output);
      throw Failures.of(type == null ? FailureType.COMMAND_FAILED : type,
          display + " exited " + result.exitCode() + ": " + redact(result.tail(800)));
    }
    return result;
  }
}
