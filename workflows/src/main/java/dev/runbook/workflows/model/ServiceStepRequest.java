package dev.runbook.workflows.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One per-service phase of a full rollback.
 *
 * @param version DEPLOY: the version to deploy; VERIFY: the version that must run; PREPARE: the
 *     requested target (null: last known good)
 * @param parentWorkflowId the full rollback this is part of
 * @param configSnapshot RESTORE_CONFIG: the configuration snapshot to write back
 */
public record ServiceStepRequest(
    String service,
    ServiceStep step,
    String version,
    String parentWorkflowId,
    Severity severity,
    String reason,
    String requestedBy,
    String incidentId,
    boolean dryRun,
    boolean force,
    String configSnapshot)
    implements RunbookRequest {

  public ServiceStepRequest(String service, ServiceStep step, String version, String parentWorkflowId,
      Severity severity, String reason, String requestedBy, String incidentId, boolean dryRun, boolean force) {
    this(service, step, version, parentWorkflowId, severity, reason, requestedBy, incidentId, dryRun, force, null);
  }

  public ServiceStepRequest(String service, ServiceStep step, String version, String parentWorkflowId,
      Severity severity, String reason, String requestedBy, String incidentId, boolean dryRun) {
    this(service, step, version, parentWorkflowId, severity, reason, requestedBy, incidentId, dryRun, false);
  }

  @Override
  public RunbookType runbook() {
    return RunbookType.FULL;
  }

  @Override
  public List<String> services() {
    return List.of(service);
  }

  @Override
  public Instant notBefore() {
    return null;
  }

  @Override
  public String workflowId() {
    return WorkflowIds.forService(service);
  }

  @Override
  public List<String> problems() {
    List<String> p = new ArrayList<>();
    Validation.name(p, "service", service);
    if (step == null) {
      p.add("step is required");
    }
    Validation.version(p, "version", version);
    if (step == ServiceStep.RESTORE_CONFIG && configSnapshot == null) {
      p.add("configSnapshot is required to restore a configuration");
    }
    return p;
  }
}
