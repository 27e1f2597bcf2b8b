package dev.runbook.starter;

import dev.runbook.workflows.model.ChecklistItemState;
import dev.runbook.workflows.model.ChecklistState;

/**
 * The checklist after a run, as the CLI and the API read and tick it: through Temporal while the
 * checklist runs, from the rollback log once Temporal has forgotten it. Errors are {@code
 * RunbookException}s: no checklist is {@code UnknownRun}, a refused tick {@code Refused}.
 */
public interface Checklists {
  /** The checklist of the run {@code runWorkflowId} (e.g. rollback-api). */
  ChecklistState checklist(String runWorkflowId);

  /** Ticks {@code item} of the run's checklist as {@code person}; answers with the item as it now is. */
  ChecklistItemState done(String runWorkflowId, String item, String person, String note);

  /** The items the rollback log keeps of a run's newest checklist, in order; empty when none. */
  @FunctionalInterface
  interface Recorded {
    java.util.List<ChecklistItemState> items(String runWorkflowId);
  }
}
