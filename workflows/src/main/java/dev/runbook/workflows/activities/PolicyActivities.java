package dev.runbook.workflows.activities;

import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.model.Severity;
import dev.runbook.workflows.policy.PolicySnapshot;
import io.temporal.activity.ActivityInterface;
import java.util.List;

/**
 * The approval policy and the people directory from the worker's configuration. A run takes one
 * snapshot at its start, so its decisions replay the same way whatever the config does later.
 */
@ActivityInterface(namePrefix = "Policy")
public interface PolicyActivities {
  PolicySnapshot snapshot(PolicyRequest request);

  record PolicyRequest(RunbookType runbook, Severity severity, List<String> services) {}
}
