package dev.runbook.workflows.activities;

import dev.runbook.workflows.model.DrillBreak;
import io.temporal.activity.ActivityInterface;

/**
 * The breaks of a drill that are not a deploy: bad values written over a staging service's
 * configuration, or the configured break command; and the undo command when staging is put back.
 * What is written and what runs come from the workers' {@code drills:} configuration for the
 * drill's target, never from the drill's input. Each is done once per drill: the drills table
 * records it, so a retried activity does not run a command again.
 */
@ActivityInterface(namePrefix = "DrillBreak")
public interface DrillBreakActivities {
  /**
   * Breaks {@code service} as configured for the drill of {@code target}. A configuration break
   * writes the values; the drill then restarts the service so it reads them. Refused ({@link
   * FailureType#INVALID_INPUT}) when the workers have no such break configured for the target.
   */
  BreakResult breakService(BreakRequest request);

  /** Runs the configured undo command of a command break; nothing for other breaks or without one. */
  BreakResult undo(BreakRequest request);

  /**
   * @param drillId the drill's workflow ID: the key the break is done once for
   * @param target the drill's target, whose {@code drills:} entry says what to write or run
   * @param service the service broken (the target, or a full drill's broken service)
   */
  record BreakRequest(String drillId, String target, String service, DrillBreak mode) {}

  /**
   * @param changed false when it was done already for this drill, or there was nothing to do
   * @param detail what was written (names only) or run, for the report and the logs
   */
  record BreakResult(String service, boolean changed, String detail) {}
}
