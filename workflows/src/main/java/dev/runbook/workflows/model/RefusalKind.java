package dev.runbook.workflows.model;

/**
 * Why a vote, decision or cancel was refused. The HTTP API answers 403 for the first group (the
 * person may not do this) and 409 for the second (the run is not in a state to take it).
 */
public enum RefusalKind {
  UNKNOWN_PERSON(403),
  WRONG_ROLE(403),
  SELF_APPROVAL(403),
  NOT_WAITING(409),
  DUPLICATE_VOTE(409),
  NOT_ALLOWED(409),
  INVALID(400);

  private final int httpStatus;

  RefusalKind(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  public int httpStatus() {
    return httpStatus;
  }
}
