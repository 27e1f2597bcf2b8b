package dev.runbook.workflows.model;

import java.time.Instant;

/**
 * One item of a checklist as people see it and as the rollback log keeps it.
 *
 * @param check what ticks it automatically ("health", "error rate below 1%", ...), or null for a
 *     manual item a person ticks
 * @param escalateTo the role told when the deadline passes with the item open
 * @param state open, overdue or done
 * @param evidence what the automatic check saw when it passed (or last failed)
 */
public record ChecklistItemState(
    String id,
    String title,
    String owner,
    String escalateTo,
    String check,
    Instant dueAt,
    String state,
    String doneBy,
    Instant doneAt,
    String note,
    String evidence,
    Instant remindedAt,
    Instant escalatedAt) {
  public static final String OPEN = "open";
  public static final String OVERDUE = "overdue";
  public static final String DONE = "done";

  public boolean done() {
    return DONE.equals(state);
  }

  public boolean automatic() {
    return check != null;
  }

  public ChecklistItemState ticked(String by, Instant at, String withNote, String withEvidence) {
    return new ChecklistItemState(id, title, owner, escalateTo, check, dueAt, DONE, by, at, withNote,
        withEvidence == null ? evidence : withEvidence, remindedAt, escalatedAt);
  }

  public ChecklistItemState reminded(Instant at) {
    return new ChecklistItemState(id, title, owner, escalateTo, check, dueAt, state, doneBy, doneAt, note,
        evidence, at, escalatedAt);
  }

  public ChecklistItemState escalated(Instant at) {
    return new ChecklistItemState(id, title, owner, escalateTo, check, dueAt, OVERDUE, doneBy, doneAt, note,
        evidence, remindedAt, at);
  }

  public ChecklistItemState withEvidence(String seen) {
    return new ChecklistItemState(id, title, owner, escalateTo, check, dueAt, state, doneBy, doneAt, note,
        seen, remindedAt, escalatedAt);
  }
}
