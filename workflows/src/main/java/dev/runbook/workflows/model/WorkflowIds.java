package dev.runbook.workflows.model;

/** Business-scoped workflow IDs: a second rollback of the same target is refused while one runs. */
public final class WorkflowIds {
  public static final String PREFIX = "rollback-";
  public static final String FULL_PREFIX = "rollback-full-";

  private WorkflowIds() {}

  public static String forService(String service) {
    return PREFIX + service;
  }

  public static String forEnvironment(String environment) {
    return FULL_PREFIX + environment;
  }
}
