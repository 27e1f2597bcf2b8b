package dev.runbook.workflows.model;

/**
 * An approval or a rejection. For a rejection the comment is the reason and is required.
 *
 * @param planHash the plan the person approves, as shown to them; null approves the plan the run
 *     holds when the vote counts (the CLI without {@code --plan})
 */
public record Vote(String person, String comment, String planHash) {
  public Vote(String person, String comment) {
    this(person, comment, null);
  }
}
