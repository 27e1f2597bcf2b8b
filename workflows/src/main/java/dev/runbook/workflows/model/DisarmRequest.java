package dev.runbook.workflows.model;

/**
 * Stop an armed run before its window ends: nothing is changed, and the run ends as disarmed.
 *
 * @param person who disarms it (through the API: the token's person); when {@code alert} is set,
 *     who delivered the alert (the Alertmanager user)
 * @param reason why, for the log and the message
 * @param alert the resolved alert that disarms it, or null when a person does
 */
public record DisarmRequest(String person, String reason, AlertRef alert) {
  public static DisarmRequest byPerson(String person, String reason) {
    return new DisarmRequest(person, reason, null);
  }
}
