package dev.runbook.workflows.engine;

/** What happens when a step fails for good. */
public enum StepPolicy {
  /** Ask the operator; skip is one of the options. */
  SKIPPABLE,
  /** Ask the operator; skip is not offered because later steps depend on this one. */
  REQUIRED,
  /** Fail the workflow (child workflows: the parent asks the operator). */
  PROPAGATE
}
