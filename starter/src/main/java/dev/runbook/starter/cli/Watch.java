package dev.runbook.starter.cli;

import dev.runbook.starter.client.RunbookClient;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.StepStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Live progress of a run. People get one line per change (a step starting, finishing, failing;
 * the phase moving; an approval or decision arriving), so the output reads as a log in a terminal
 * and in CI alike; scripts get one JSON status per change.
 */
final class Watch {
  static final Duration EVERY = Duration.ofMillis(500);

  private Watch() {}

  static RunStatus follow(RunbookClient client, String workflowId, PrintWriter out, boolean json) {
    Map<String, String> seen = new HashMap<>();
    String[] phase = {null};
    int[] actions = {0};
    return client.watch(workflowId, EVERY, s -> {
      if (json) {
        Output.json(out, s);
        out.flush();
        return;
      }
      if (!s.phase().label().equals(phase[0])) {
        out.printf("%s  phase %s%s%n", Output.when(java.time.Instant.now()), s.phase().label(),
            s.waitingFor() == null ? "" : " (waiting for " + s.waitingFor() + ")");
        phase[0] = s.phase().label();
      }
      for (StepStatus step : s.steps()) {
        String key = step.state() + "/" + step.attempts() + "/" + step.detail();
        if (!key.equals(seen.put(step.id(), key))) {
          out.printf("  %-8s %s%s%n", Output.mark(step.state()), step.title(),
              step.error() != null ? "  " + step.error() : step.detail() != null ? "  " + step.detail() : "");
        }
      }
      for (int i = actions[0]; i < s.actions().size(); i++) {
        var a = s.actions().get(i);
        out.printf("  %s %s%s%n", a.actor(), a.action(), a.detail() == null ? "" : ": " + a.detail());
      }
      actions[0] = s.actions().size();
      if (s.pendingDecision() != null) {
        out.printf("  needs a decision: runbook decide %s %s --as NAME%n", s.workflowId(),
            String.join("|", s.pendingDecision().options().stream().map(x -> x.label()).toList()));
      }
      if (s.phase().terminal()) {
        out.printf("%s: %s%n", s.phase().label(), s.outcomeMessage());
      }
      out.flush();
    });
  }
}
