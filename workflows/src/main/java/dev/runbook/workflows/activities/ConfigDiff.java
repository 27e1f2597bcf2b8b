package dev.runbook.workflows.activities;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How one configuration differs from another, by variable name: each variable changed,
 * unchanged, added or removed, with a short keyed hash of its value on each side. It never holds
 * a value, so it may go anywhere: workflow history, messages, the rollback log, API answers.
 *
 * @param changes sorted by name
 */
public record ConfigDiff(List<Change> changes) {
  public ConfigDiff {
    changes = changes == null ? List.of() : List.copyOf(changes);
  }

  /** What happens to one variable. */
  public enum Kind {
    CHANGED,
    ADDED,
    REMOVED,
    UNCHANGED;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * @param from the short hash of the value it has now, or null when it has none
   * @param to the short hash of the value it gets, or null when it is removed
   */
  public record Change(String name, Kind kind, String from, String to) {
    public String describe() {
      return switch (kind) {
        case CHANGED -> name + " changed (" + from + " -> " + to + ")";
        case ADDED -> name + " added (" + to + ")";
        case REMOVED -> name + " removed";
        case UNCHANGED -> name + " unchanged";
      };
    }
  }

  /** True when no variable changes (the files may still differ in comments or layout). */
  public boolean sameVariables() {
    return changes.stream().allMatch(c -> c.kind() == Kind.UNCHANGED);
  }

  /**
   * "STRIPE_KEY changed (3f2a91c0 -> 8d1e4b22), NEW_FLAG removed, DATABASE_URL unchanged": what
   * changes first, then what stays; many unchanged variables are counted, not listed.
   */
  public String describe() {
    if (changes.isEmpty()) {
      return "no variables";
    }
    List<String> parts = new ArrayList<>();
    changes.stream().filter(c -> c.kind() != Kind.UNCHANGED).forEach(c -> parts.add(c.describe()));
    List<Change> same = changes.stream().filter(c -> c.kind() == Kind.UNCHANGED).toList();
    if (same.size() <= 5) {
      same.forEach(c -> parts.add(c.describe()));
    } else {
      parts.add(same.size() + " variables unchanged");
    }
    return String.join(", ", parts);
  }
}
