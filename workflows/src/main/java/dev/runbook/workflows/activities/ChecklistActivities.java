package dev.runbook.workflows.activities;

import dev.runbook.workflows.model.ChecklistItemState;
import dev.runbook.workflows.model.RunbookType;
import dev.runbook.workflows.policy.Person;
import io.temporal.activity.ActivityInterface;
import java.time.Duration;
import java.util.List;

/**
 * The checklist after a run, from the worker's configuration ({@code checklists:} in
 * runbook.yaml): its items, their automatic checks, and the record kept in the rollback log.
 * Checks' settings and secrets stay on the worker; the workflow names items only.
 */
@ActivityInterface(namePrefix = "Checklist")
public interface ChecklistActivities {
  /** The checklist configured for a runbook and outcome; {@code none} says why there is none. */
  Plan plan(PlanRequest request);

  /**
   * Runs the automatic checks of the named items once; a failing check is a result, not an
   * error. Reads only, so a retry is harmless.
   */
  List<ItemCheck> check(CheckRequest request);

  /**
   * Writes one item's state to the rollback log ({@code checklist_items}); writing the same state
   * again changes nothing, and an older state never overwrites a tick or a reminder already kept.
   */
  void record(ItemRecord record);

  /** @param outcome the run's terminal phase label (succeeded, cancelled, ...) */
  record PlanRequest(String runWorkflowId, RunbookType runbook, String outcome, List<String> services) {}

  /**
   * @param none why the run gets no checklist (none configured, outcome not in {@code after}), or
   *     null when it gets one
   * @param closeAfter how long after the last deadline open items stop being chased
   * @param people who may tick items, with their roles (no credentials)
   */
  record Plan(
      List<PlannedItem> items,
      Duration remindBefore,
      Duration checkEvery,
      Duration closeAfter,
      List<Person> people,
      String none) {
    public Plan {
      items = items == null ? List.of() : List.copyOf(items);
      people = people == null ? List.of() : List.copyOf(people);
    }
  }

  /**
   * @param check what ticks it ("health", "smoke checks", ...), null for a manual item
   * @param escalateTo the role told when it is overdue, or null for the policy's escalation path
   */
  record PlannedItem(String id, String title, Duration within, String owner, String escalateTo, String check) {}

  /** @param runRunId the run's Temporal run ID (its status page incident is this run's), or null */
  record CheckRequest(String checklistId, String runWorkflowId, RunbookType runbook, List<String> services,
      List<String> items, String runRunId) {
    public CheckRequest(String checklistId, String runWorkflowId, RunbookType runbook, List<String> services,
        List<String> items) {
      this(checklistId, runWorkflowId, runbook, services, items, null);
    }
  }

  /** @param evidence what was seen: the readings, the query's value, the incident's state */
  record ItemCheck(String item, boolean passed, String evidence) {}

  /**
   * @param checklistId the checklist's workflow ID
   * @param checklistRunId its Temporal run
   * @param runRunId the Temporal run of the run it follows (the incident report finds it by it), or null
   */
  record ItemRecord(String checklistId, String checklistRunId, String runWorkflowId, RunbookType runbook,
      ChecklistItemState item, String runRunId) {
    public ItemRecord(String checklistId, String checklistRunId, String runWorkflowId, RunbookType runbook,
        ChecklistItemState item) {
      this(checklistId, checklistRunId, runWorkflowId, runbook, item, null);
    }
  }
}
