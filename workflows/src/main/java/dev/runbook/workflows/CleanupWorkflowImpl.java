package dev.runbook.workflows;

import dev.runbook.workflows.activities.RetentionActivities.Leftover;
import dev.runbook.workflows.activities.RetentionActivities.PruneReport;
import dev.runbook.workflows.activities.RetentionActivities.PruneRequest;
import dev.runbook.workflows.engine.AbstractRunbookWorkflow;
import dev.runbook.workflows.engine.ActivityCatalog;
import dev.runbook.workflows.engine.RunbookEngine;
import dev.runbook.workflows.engine.StepPolicy;
import dev.runbook.workflows.model.CleanupRequest;
import dev.runbook.workflows.model.CleanupResult;
import dev.runbook.workflows.model.RunReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Retention as a job (see {@link dev.runbook.workflows.activities.RetentionActivities}): one step
 * that removes what may go and records each removal, or in a dry run lists it and changes
 * nothing. Its outcome says what went and what was kept on purpose; a failure tells the team.
 */
public class CleanupWorkflowImpl extends AbstractRunbookWorkflow implements CleanupWorkflow {
  static final Duration ETA = Duration.ofMinutes(5);

  private CleanupRequest request;
  private PruneReport pruned;

  public CleanupWorkflowImpl() {
    super(RunbookEngine.Mode.JOB);
  }

  @Override
  public CleanupResult clean(CleanupRequest request) {
    this.request = request;
    return engine.run(request, ETA, this::execute, this::result);
  }

  private void execute() {
    boolean dry = request.dryRun();
    String what = request.database() == null ? "every database" : request.database();
    pruned = engine.step(
        "prune",
        (dry ? "List" : "Remove") + " what retention lets go of " + what,
        StepPolicy.REQUIRED,
        () -> {
          PruneReport r = engine.retention(ActivityCatalog.CLEANUP)
              .prune(new PruneRequest(request.database(), engine.key("prune"), dry));
          engine.detail(summary(r, dry));
          return r;
        });
    engine.outcome((dry ? "dry run: " : "") + summary(pruned, dry));
  }

  /** "removed 2 safety copies, 1 backup; kept 1 (the newest safety copy)"; "nothing to remove". */
  static String summary(PruneReport r, boolean dry) {
    List<String> parts = new ArrayList<>();
    for (Leftover kind : Leftover.values()) {
      long n = r.count(kind);
      if (n > 0) {
        parts.add(kind.count(n));
      }
    }
    String removed = parts.isEmpty()
        ? "nothing to remove"
        : (dry ? "would remove " : "removed ") + String.join(", ", parts);
    return r.kept().isEmpty() ? removed : removed + "; kept " + r.kept().size() + " on purpose ("
        + String.join("; ", r.kept().stream().map(k -> k.name() + ": " + k.why()).toList()) + ")";
  }

  private CleanupResult result(RunReport report) {
    return new CleanupResult(report, request.database(), request.dryRun(), pruned);
  }
}
