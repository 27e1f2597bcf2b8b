package dev.runbook.activities.checklist;

import dev.runbook.activities.notify.StatuspageIncidents;
import dev.runbook.workflows.activities.ChecklistActivities;
import dev.runbook.workflows.policy.Person;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The checklists of the worker's configuration, their checks and their record. {@code plan} and
 * {@code check} only read; {@code record} is an upsert that never takes back what is kept, so each
 * may run twice.
 */
public final class ChecklistActivitiesImpl implements ChecklistActivities {
  private final Map<String, ChecklistSettings> checklists;
  private final Supplier<List<Person>> people;
  private final ItemChecks checks;
  private final ChecklistStore store;

  /**
   * @param checklists by runbook id (emergency, database, full)
   * @param people who may tick items, as the runs' policy snapshots have them
   */
  public ChecklistActivitiesImpl(Map<String, ChecklistSettings> checklists, Supplier<List<Person>> people,
      ItemChecks checks, ChecklistStore store) {
    this.checklists = Map.copyOf(checklists);
    this.people = people;
    this.checks = checks;
    this.store = store;
  }

  @Override
  public Plan plan(PlanRequest request) {
    String runbook = request.runbook().id();
    ChecklistSettings c = checklists.get(runbook);
    if (c == null) {
      return none("no checklist is configured for " + runbook + " runs (checklists." + runbook + " in runbook.yaml)");
    }
    if (!c.takes(request.outcome())) {
      return none("the run ended " + request.outcome() + ", which checklists." + runbook + ".after leaves out");
    }
    return new Plan(c.planned(), c.remindBefore(), c.checkEvery(), c.closeAfter(), people.get(), null);
  }

  @Override
  public List<ItemCheck> check(CheckRequest request) {
    ChecklistSettings c = checklists.get(request.runbook().id());
    List<ItemCheck> out = new ArrayList<>();
    for (String id : request.items()) {
      ChecklistSettings.Item item = c == null ? null : c.item(id);
      if (item == null || item.check() == null) {
        out.add(new ItemCheck(id, false, "'" + id + "' has no check in this worker's checklists."
            + request.runbook().id() + ": tick it with runbook done"));
      } else {
        out.add(checks.run(id, item.check(), request.runRunId() == null ? request.runWorkflowId()
            : StatuspageIncidents.run(request.runWorkflowId(), request.runRunId()), request.services()));
      }
    }
    return out;
  }

  @Override
  public void record(ItemRecord record) {
    store.write(record);
  }

  private static Plan none(String why) {
    return new Plan(List.of(), null, null, null, List.of(), why);
  }
}
