package dev.runbook.starter.client;

import dev.runbook.workflows.engine.RunbookSearchAttributes;
import dev.runbook.workflows.model.DatabaseRollbackRequest;
import dev.runbook.workflows.model.EmergencyRollbackRequest;
import dev.runbook.workflows.model.FullRollbackRequest;
import dev.runbook.workflows.model.Phase;
import dev.runbook.workflows.model.RunbookRequest;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a run is started: its ID policies, and what Temporal UI shows of it from the start (the
 * summary line, the details, the memo and the search attributes it is found by).
 */
final class StartOptions {
  private StartOptions() {}

  static WorkflowOptions of(RunbookRequest r, String workflowId, String taskQueue, Duration workflowTaskTimeout) {
    Map<String, Object> memo = new LinkedHashMap<>();
    memo.put("reason", r.reason());
    memo.put("requestedBy", r.requestedBy());
    memo.put("dryRun", r.dryRun());
    if (r.incidentId() != null) {
      memo.put("incidentId", r.incidentId());
    }
    SearchAttributes.Builder attributes = SearchAttributes.newBuilder()
        .set(RunbookSearchAttributes.RUNBOOK_TYPE, r.runbook().id())
        .set(RunbookSearchAttributes.PHASE, Phase.STARTING.label());
    if (!r.services().isEmpty()) { // a cleanup of every database names none
      attributes.set(RunbookSearchAttributes.SERVICE, r.services());
    }
    if (r.severity() != null) { // a backup or a cleanup has none
      attributes.set(RunbookSearchAttributes.SEVERITY, r.severity().name());
    }
    return WorkflowOptions.newBuilder()
        .setTaskQueue(taskQueue)
        .setWorkflowId(workflowId)
        .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
        .setWorkflowTaskTimeout(workflowTaskTimeout)
        .setStaticSummary(summary(r))
        .setStaticDetails((r.dryRun() ? "DRY RUN: a plan; nothing is changed.\n\n" : "")
            + "Reason: " + r.reason() + "\n\nRequested by " + r.requestedBy()
            + (r.incidentId() == null ? "" : " for " + r.incidentId()))
        .setMemo(memo)
        .setTypedSearchAttributes(attributes.build())
        .build();
  }

  /** The one line Temporal UI shows for a run. */
  static String summary(RunbookRequest r) {
    String target = String.join(", ", r.services());
    String to = switch (r.runbook()) {
      case EMERGENCY -> {
        EmergencyRollbackRequest e = (EmergencyRollbackRequest) r;
        yield (e.toVersion() == null ? "" : " to " + e.toVersion()) + (e.withDatabase() ? " with database" : "");
      }
      case DATABASE -> {
        DatabaseRollbackRequest d = (DatabaseRollbackRequest) r;
        yield d.mode() == null ? "" : " (" + d.mode().label() + ")";
      }
      case FULL -> " in " + ((FullRollbackRequest) r).environment();
      case BACKUP, CLEANUP -> null;
    };
    if (!r.runbook().rollback()) {
      return (r.dryRun() ? "DRY RUN: " : "") + r.runbook().id() + " of "
          + (target.isEmpty() ? "every database" : target) + " by " + r.requestedBy();
    }
    return (r.dryRun() ? "DRY RUN: " : "") + r.severity() + " " + r.runbook().id() + " rollback of "
        + target + to + " by " + r.requestedBy();
  }
}
