package dev.runbook.workflows;

import dev.runbook.workflows.activities.ConfigActivities.ConfigSnapshot;
import dev.runbook.workflows.activities.ConfigActivities.SnapshotRequest;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Takes one snapshot of a service's configuration on a worker, for whoever cannot read it (the
 * API server, which runs no adapters): {@code runbook record deploy} starts it and waits for the
 * snapshot's ID. Its workflow ID is {@code config-snapshot-<service>-<tag>}.
 */
@WorkflowInterface
public interface ConfigSnapshotWorkflow {
  String ID_PREFIX = "config-snapshot-";

  @WorkflowMethod(name = "ConfigSnapshot")
  ConfigSnapshot snapshot(SnapshotRequest request);
}
