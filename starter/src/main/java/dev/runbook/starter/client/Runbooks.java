package dev.runbook.starter.client;

import dev.runbook.workflows.model.DecisionAction;
import dev.runbook.workflows.model.Receipt;
import dev.runbook.workflows.model.RunStatus;
import dev.runbook.workflows.model.RunbookRequest;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Starting runbooks and acting on runs, whichever way the caller reaches them: straight through
 * Temporal ({@link RunbookClient}, for the API server and the processes that host workers) or
 * through the HTTP API with the person's token (the CLI). Errors are {@link RunbookException}s.
 */
public interface Runbooks {
  /**
   * A run that was started.
   *
   * @param dryRun a dry run: it plans, changes nothing and holds nothing
   */
  record Started(String workflowId, String runId, boolean dryRun) {}

  Started start(RunbookRequest request);

  RunStatus status(String workflowId);

  /** @param person who acts; through the API it must be the token's (or, in a local dev, any person) */
  default Receipt approve(String workflowId, String person, String comment) {
    return approve(workflowId, person, comment, null);
  }

  /**
   * @param planHash the plan the person saw and approves (refused when the run's plan is another);
   *     null approves the plan the run holds when the vote counts
   */
  Receipt approve(String workflowId, String person, String comment, String planHash);

  Receipt reject(String workflowId, String person, String reason);

  Receipt decide(String workflowId, DecisionAction action, String person, String comment);

  Receipt cancel(String workflowId, String person, String reason);

  /**
   * Stops an armed run in its fix-forward window: nothing changes and the run ends as disarmed.
   * Whoever may cancel a run may disarm it.
   */
  Receipt disarm(String workflowId, String person, String reason);

  /**
   * Polls the run's status until it ends, handing each new status to {@code onChange}; returns
   * the final status.
   */
  default RunStatus watch(String workflowId, Duration every, Consumer<RunStatus> onChange) {
    return watch(workflowId, every, onChange, unchanged -> {});
  }

  /**
   * Like {@link #watch(String, Duration, Consumer)}, and hands each status that did not change to
   * {@code onSame} (a countdown moves on while the run waits).
   */
  default RunStatus watch(String workflowId, Duration every, Consumer<RunStatus> onChange, Consumer<RunStatus> onSame) {
    RunStatus last = null;
    while (true) {
      RunStatus now = status(workflowId);
      if (!now.equals(last)) {
        onChange.accept(now);
        last = now;
      } else {
        onSame.accept(now);
      }
      if (now.phase().terminal()) {
        return now;
      }
      try {
        Thread.sleep(every.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return now;
      }
    }
  }
}
