package dev.runbook.workflows.model;

import java.util.List;

/**
 * A checklist: what the {@code checklist} query returns and what the workflow ends with.
 *
 * @param status {@link #STARTING} (loading its items), {@link #OPEN}, {@link #DONE} (every item ticked), {@link #CLOSED} (the last
 *     deadline and the grace passed with items open) or {@link #NONE} (no checklist for this run)
 * @param message why there is none, or how it closed
 */
public record ChecklistState(
    String workflowId, String runWorkflowId, String status, String message, List<ChecklistItemState> items) {
  public static final String STARTING = "starting";
  public static final String OPEN = "open";
  public static final String DONE = "done";
  public static final String CLOSED = "closed";
  public static final String NONE = "none";

  public ChecklistState {
    items = items == null ? List.of() : List.copyOf(items);
  }

  public long openItems() {
    return items.stream().filter(i -> !i.done()).count();
  }
}
