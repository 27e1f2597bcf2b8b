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
  /** The vote names a plan the run no longer holds: it changed since the person looked. */
  PLAN_CHANGED(409),
  NOT_ALLOWED(409),
  INVALID(400);

  private final int httpStatus;

  RefusalKind(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /**
   * The text a validator rejects with: the kind, a colon, the reason. The SDK passes a validator's
   * message to the caller but not its failure type, so the kind travels in the message.
   */
  public String message(String reason) {
    return name() + ": " + reason;
  }

  /** A refusal as the caller receives it. */
  public record Refused(RefusalKind kind, String reason) {}

  /** Reads a refusal from the message of a rejected update; INVALID when it carries no kind. */
  public static Refused parse(String message) {
    if (message != null) {
      int colon = message.indexOf(": ");
      if (colon > 0) {
        try {
          return new Refused(valueOf(message.substring(0, colon)), message.substring(colon + 2));
        } catch (IllegalArgumentException notAKind) {
          // Fall through: a message from elsewhere.
        }
      }
    }
    return new Refused(INVALID, message);
  }
}
