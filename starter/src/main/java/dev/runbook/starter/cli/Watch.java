package dev.runbook.starter.cli;

import dev.runbook.starter.client.Runbooks;
import dev.runbook.workflows.model.Armed;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.StepStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Live progress of a run. People get one line per change (a step starting, finishing, failing;
 * an attempt of its activity failing and the next one starting; the phase moving; an approval or
 * decision arriving; an armed run's countdown once a minute), so the output reads as a log in a
 * terminal and in CI alike; scripts get one JSON status per change.
 */
public final class Watch implements java.util.function.Consumer<RunStatus> {
  static final Duration EVERY = Duration.ofMillis(500);

  private final PrintWriter out;
  private final boolean json;
  private final Map<String, String> seen = new HashMap<>();
  private String phase;
  private int actions;
  private long countdown = -1;

  public Watch(PrintWriter out, boolean json) {
    this.out = out;
    this.json = json;
  }

  /** Polls the run until it ends, printing each change; returns the final status. */
  public static RunStatus follow(Runbooks client, String workflowId, PrintWriter out, boolean json) {
    Watch w = new Watch(out, json);
    return client.watch(workflowId, EVERY, w, w::tick);
  }

  /** A status that did not change: an armed run's countdown still moves on, once a minute. */
  void tick(RunStatus s) {
    if (!json && s.armed() != null) {
      countdown(s.armed());
      out.flush();
    }
  }

  private void countdown(Armed a) {
    long minutes = Math.max(0, (Duration.between(Instant.now(), a.endsAt()).toSeconds() + 59) / 60);
    if (minutes != countdown) {
      countdown = minutes;
      out.printf("  armed by %s: %s at %s unless disarmed (%s)%n", a.by(), a.plan(), Output.clock(a.endsAt()),
          Output.left(a.endsAt()));
    }
  }

  /** Prints what changed since the last status. */
  @Override
  public void accept(RunStatus s) {
    if (json) {
      Output.json(out, s);
      out.flush();
      return;
    }
    if (phase == null && s.dryRun()) {
      out.println(Output.DRY_RUN);
    }
    if (!s.phase().label().equals(phase)) {
      out.printf("%s  phase %s%s%n", Output.when(java.time.Instant.now()), s.phase().label(),
          s.waitingFor() == null ? "" : " (waiting for " + s.waitingFor() + ")");
      phase = s.phase().label();
    }
    if (s.armed() != null) {
      countdown(s.armed());
    }
    for (StepStatus step : s.steps()) {
      var p = step.pendingActivity();
      String key = step.state() + "/" + step.attempts() + "/" + step.detail()
          + (p == null || !p.retrying() ? "" : "/" + p.activity() + "/" + p.attempt() + "/" + p.waitingToRetry());
      if (!key.equals(seen.put(step.id(), key))) {
        out.printf("  %-8s %s%s%n", Output.mark(step.state()), step.title(), Output.stepNote(s, step));
      }
    }
    for (int i = actions; i < s.actions().size(); i++) {
      var a = s.actions().get(i);
      out.printf("  %s %s%s%n", a.actor(), a.action(), a.detail() == null ? "" : ": " + a.detail());
    }
    actions = s.actions().size();
    if (s.pendingDecision() != null) {
      out.printf("  needs a decision: runbook decide %s %s --as NAME%n", s.workflowId(),
          String.join("|", s.pendingDecision().options().stream().map(x -> x.label()).toList()));
    }
    if (s.phase().terminal()) {
      out.printf("%s: %s%n", s.phase().label(), s.outcomeMessage());
    }
    out.flush();
  }
}
