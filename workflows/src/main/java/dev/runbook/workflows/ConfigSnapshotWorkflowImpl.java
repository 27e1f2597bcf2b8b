package dev.runbook.workflows;

import dev.runbook.workflows.activities.ConfigActivities;
import dev.runbook.workflows.activities.ConfigActivities.ConfigSnapshot;
import dev.runbook.workflows.activities.ConfigActivities.SnapshotRequest;
import dev.runbook.workflows.engine.ActivityCatalog;
import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Workflow;

/** One activity: the snapshot, retried as every read is; the caller waits for its ID. */
public class ConfigSnapshotWorkflowImpl implements ConfigSnapshotWorkflow {
  @Override
  public ConfigSnapshot snapshot(SnapshotRequest request) {
    ConfigActivities configs =
        Workflow.newActivityStub(
            ConfigActivities.class,
            ActivityOptions.newBuilder(ActivityCatalog.QUICK)
                .setSummary("snapshot the configuration of " + request.service())
                .build());
    return configs.snapshot(request);
  }
}
