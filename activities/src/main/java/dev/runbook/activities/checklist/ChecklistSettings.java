package dev.runbook.activities.checklist;

import dev.runbook.workflows.activities.ChecklistActivities.PlannedItem;
import dev.runbook.workflows.model.Phase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One runbook's checklist after a run ({@code checklists.<runbook>} in runbook.yaml).
 *
 * @param after the run outcomes that get it (succeeded, cancelled, failed, ...); default succeeded
 * @param remindBefore how long before a deadline the owner is reminded; default 15m
 * @param checkEvery how often automatic checks run; default 1m
 * @param closeAfter how long after the last deadline open items stop being chased; default 24h
 */
public record ChecklistSettings(
    List<String> after, Duration remindBefore, Duration checkEvery, Duration closeAfter, List<Item> items) {
  public static final Duration DEFAULT_REMIND_BEFORE = Duration.ofMinutes(15);
  public static final Duration DEFAULT_CHECK_EVERY = Duration.ofMinutes(1);
  public static final Duration DEFAULT_CLOSE_AFTER = Duration.ofHours(24);
  private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final Set<String> RUNBOOKS = Set.of("emergency", "database", "full");

  /**
   * @param title the source's words
   * @param within the deadline, counted from the end of the run (1h, 4h, 24h)
   * @param owner a role under people's roles
   * @param escalateTo the role told when it is overdue; default the policy's escalation path
   * @param check what ticks it by itself; null for a manual item
   */
  public record Item(String id, String title, Duration within, String owner, String escalateTo,
      ItemCheckSettings check) {}

  public ChecklistSettings {
    after = after == null || after.isEmpty() ? List.of("succeeded") : List.copyOf(after);
    remindBefore = remindBefore == null ? DEFAULT_REMIND_BEFORE : remindBefore;
    checkEvery = checkEvery == null ? DEFAULT_CHECK_EVERY : checkEvery;
    closeAfter = closeAfter == null ? DEFAULT_CLOSE_AFTER : closeAfter;
    items = items == null ? List.of() : List.copyOf(items);
  }

  public boolean takes(String outcome) {
    return after.stream().anyMatch(a -> a.trim().equalsIgnoreCase(outcome));
  }

  public Item item(String id) {
    return items.stream().filter(i -> i.id().equals(id)).findFirst().orElse(null);
  }

  /** The items as the workflow sees them: no check settings, only what the check is. */
  public List<PlannedItem> planned() {
    return items.stream().map(i -> new PlannedItem(i.id(), i.title(), i.within(), i.owner(), i.escalateTo(),
        i.check() == null ? null : i.check().describe())).toList();
  }

  /** Every problem of the {@code checklists} section, each naming its path and the fix. */
  public static List<String> problemsOf(Map<String, ChecklistSettings> checklists, Set<String> roles,
      Set<String> databases, Set<String> statuspages) {
    List<String> p = new ArrayList<>();
    checklists.forEach((runbook, c) -> {
      String path = "checklists." + runbook;
      if (!RUNBOOKS.contains(runbook)) {
        p.add(path + ": '" + runbook + "' is not a runbook: use emergency, database or full");
      }
      if (c == null || c.items().isEmpty()) {
        p.add(path + ".items: empty: list the items, or remove the checklist");
        return;
      }
      p.addAll(c.problems(path, roles, databases, statuspages));
    });
    return p;
  }

  private List<String> problems(String path, Set<String> roles, Set<String> databases, Set<String> statuspages) {
    List<String> p = new ArrayList<>();
    Set<String> outcomes = new HashSet<>();
    Arrays.stream(Phase.values()).filter(Phase::terminal).forEach(ph -> outcomes.add(ph.label()));
    for (String a : after) {
      if (a == null || !outcomes.contains(a.trim().toLowerCase(Locale.ROOT))) {
        p.add(path + ".after: '" + a + "' is not a run outcome: use " + String.join(", ",
            outcomes.stream().sorted().toList()));
      }
    }
    if (remindBefore.isNegative() || checkEvery.compareTo(Duration.ofSeconds(10)) < 0 || closeAfter.isNegative()) {
      p.add(path + ": remindBefore and closeAfter may not be negative and checkEvery is at least 10s");
    }
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      Item item = items.get(i);
      String ip = path + ".items[" + i + "]";
      if (item == null) {
        p.add(ip + ": empty entry: remove it or describe an item");
        continue;
      }
      if (item.id() == null || !SLUG.matcher(item.id()).matches()) {
        p.add(ip + ".id: '" + item.id() + "' is not a slug: lower-case letters, digits and '-'");
      } else if (!ids.add(item.id())) {
        p.add(ip + ".id: '" + item.id() + "' is used twice: give each item its own id");
      }
      if (item.title() == null || item.title().isBlank()) {
        p.add(ip + ".title: missing: say what has to be done");
      }
      if (item.within() == null || item.within().isNegative() || item.within().isZero()) {
        p.add(ip + ".within: missing: the deadline after the run ends, e.g. 1h, 4h, 24h");
      }
      if (item.owner() == null || !roles.contains(item.owner())) {
        p.add(ip + ".owner: no person has role '" + item.owner() + "': give someone under people that role");
      }
      if (item.escalateTo() != null && !roles.contains(item.escalateTo())) {
        p.add(ip + ".escalateTo: no person has role '" + item.escalateTo() + "': give someone under people that role");
      }
      if (item.check() != null) {
        p.addAll(item.check().problems(ip + ".check", databases, statuspages));
      }
    }
    return p;
  }
}
