package dev.runbook.workflows.testing;

import dev.runbook.workflows.activities.RetentionActivities;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a workflow test's world has left behind, and the retention that removes it: each leftover
 * may go, or is kept with a reason (as the real retention keeps the newest safety copy). Real
 * state, so a test asserts what is left; a retried prune with the same key reports the same.
 */
public final class FakeRetention implements RetentionActivities {
  /** A leftover; {@code keptBecause} non-null when retention must keep it. */
  public record Item(Leftover kind, String database, String name, String why, String keptBecause) {}

  private final List<Item> present = new ArrayList<>();
  private final Map<String, List<Removal>> removedByKey = new HashMap<>();
  private final List<String> calls = new ArrayList<>();

  /** Something retention lets go, and why. */
  public synchronized void expired(Leftover kind, String database, String name, String why) {
    present.add(new Item(kind, database, name, why, null));
  }

  /** Something retention keeps, and why. */
  public synchronized void kept(Leftover kind, String database, String name, String because) {
    present.add(new Item(kind, database, name, null, because));
  }

  public synchronized List<Item> present() {
    return List.copyOf(present);
  }

  public synchronized List<String> calls() {
    return List.copyOf(calls);
  }

  @Override
  public synchronized PruneReport prune(PruneRequest r) {
    calls.add((r.database() == null ? "all" : r.database()) + (r.dryRun() ? " dry" : "") + " " + r.key());
    List<Removal> removed = new ArrayList<>(r.dryRun() ? List.of() : removedByKey.getOrDefault(r.key(), List.of()));
    List<Kept> kept = new ArrayList<>();
    List<String> planned = new ArrayList<>();
    for (Item i : List.copyOf(present)) {
      if (r.database() != null && !r.database().equals(i.database())) {
        continue;
      }
      if (i.keptBecause() != null) {
        kept.add(new Kept(i.kind(), i.database(), i.name(), i.keptBecause()));
      } else if (r.dryRun()) {
        removed.add(new Removal(i.kind(), i.database(), i.name(), i.why(), null));
        planned.add("would remove " + i.kind().label() + " " + i.name());
      } else {
        removed.add(new Removal(i.kind(), i.database(), i.name(), i.why(), Instant.EPOCH));
        present.remove(i);
      }
    }
    if (!r.dryRun()) {
      removedByKey.put(r.key(), List.copyOf(removed));
    }
    return new PruneReport(removed, kept, planned);
  }
}
