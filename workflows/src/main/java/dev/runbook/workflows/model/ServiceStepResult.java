package dev.runbook.workflows.model;

import java.util.List;

/**
 * @param fromVersion PREPARE: the version running now
 * @param toVersion PREPARE: the resolved target; DEPLOY and VERIFY: the version now running
 */
public record ServiceStepResult(
    String service,
    ServiceStep step,
    String fromVersion,
    String toVersion,
    boolean healthy,
    String detail,
    List<String> planned)
    implements dev.runbook.workflows.activities.Planned {}
