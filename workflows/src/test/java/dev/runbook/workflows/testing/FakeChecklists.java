package dev.runbook.workflows.testing;

import dev.runbook.workflows.activities.ChecklistActivities;
import dev.runbook.workflows.model.ChecklistItemState;
import dev.runbook.workflows.policy.Person;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checklists configuration and the {@code checklist_items} table in memory. No runbook has a
 * checklist until a test gives it one; an automatic item passes once the test says its check does.
 */
public final class FakeChecklists implements ChecklistActivities {
  private final Map<String, Plan> byRunbook = new LinkedHashMap<>();
  private final Map<String, Set<String>> afterByRunbook = new LinkedHashMap<>();
  private final Map<String, Boolean> passing = new LinkedHashMap<>();
  private final Map<String, ChecklistItemState> rows = new LinkedHashMap<>();
  private final List<String> checked = new ArrayList<>();
  private int writes;

  /** Gives {@code runbook} a checklist for runs that end in one of {@code after}. */
  public synchronized void configure(String runbook, Set<String> after, Duration remindBefore, Duration checkEvery,
      Duration closeAfter, List<Person> people, PlannedItem... items) {
    byRunbook.put(runbook, new Plan(List.of(items), remindBefore, checkEvery, closeAfter, people, null));
    afterByRunbook.put(runbook, after);
  }

  /** From now on, the check of {@code item} passes (true) or fails (false). */
  public synchronized void passes(String item, boolean passes) {
    passing.put(item, passes);
  }

  @Override
  public synchronized Plan plan(PlanRequest request) {
    Plan plan = byRunbook.get(request.runbook().id());
    if (plan == null) {
      return new Plan(List.of(), null, null, null, List.of(), "no checklist is configured for "
          + request.runbook().id());
    }
    if (!afterByRunbook.get(request.runbook().id()).contains(request.outcome())) {
      return new Plan(List.of(), null, null, null, List.of(), "the run ended " + request.outcome()
          + ", which checklists." + request.runbook().id() + ".after leaves out");
    }
    return plan;
  }

  @Override
  public synchronized List<ItemCheck> check(CheckRequest request) {
    List<ItemCheck> out = new ArrayList<>();
    for (String item : request.items()) {
      checked.add(item);
      boolean ok = passing.getOrDefault(item, false);
      out.add(new ItemCheck(item, ok, ok ? item + " passed" : item + " failed"));
    }
    return out;
  }

  @Override
  public synchronized void record(ItemRecord record) {
    ChecklistItemState before = rows.get(record.checklistId() + "/" + record.item().id());
    if (!record.item().equals(before)) {
      rows.put(record.checklistId() + "/" + record.item().id(), record.item());
      writes++;
    }
  }

  /** The row of one item as the rollback log would keep it. */
  public synchronized ChecklistItemState row(String checklistId, String item) {
    return rows.get(checklistId + "/" + item);
  }

  /** The items whose checks were run, in order, once per run. */
  public synchronized List<String> checked() {
    return List.copyOf(checked);
  }

  public synchronized int writes() {
    return writes;
  }
}
