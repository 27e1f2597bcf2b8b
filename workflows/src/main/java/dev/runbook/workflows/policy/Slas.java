package dev.runbook.workflows.policy;

import dev.runbook.workflows.model.RunbookType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How long a rollback may take, from its start to rolled back and verified (the health watch after
 * it does not count): per runbook, and per service where a service is quicker or slower than its
 * runbook's figure. Configuration, snapshotted with the policy at a run's start.
 *
 * <pre>
 * slas:
 *   emergency: 10m
 *   database: 15m
 *   full: 30m
 *   services: { storefront: 5m }
 * </pre>
 */
public record Slas(Duration emergency, Duration database, Duration full, Map<String, Duration> services) {
  public Slas {
    // A service written without a value stays, as null, for problems() to name.
    services = services == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(services));
  }

  public static Slas none() {
    return new Slas(null, null, null, null);
  }

  /**
   * The SLA of one run: the service's own when the run acts on one service that has one; else the
   * runbook's; else, for several services, the longest of theirs when each has one.
   */
  public Optional<Duration> forRun(RunbookType runbook, List<String> runServices) {
    List<String> names = runServices == null ? List.of() : runServices;
    if (names.size() == 1 && services.containsKey(names.get(0))) {
      return Optional.of(services.get(names.get(0)));
    }
    Duration byRunbook = switch (runbook) {
      case EMERGENCY -> emergency;
      case DATABASE -> database;
      case FULL -> full;
      default -> null;
    };
    if (byRunbook != null) {
      return Optional.of(byRunbook);
    }
    if (!names.isEmpty() && names.stream().allMatch(services::containsKey)) {
      return names.stream().map(services::get).max(Duration::compareTo);
    }
    return Optional.empty();
  }

  /** @param path the YAML path of the section, {@code slas} */
  public List<String> problems(String path, Set<String> knownServices) {
    List<String> p = new ArrayList<>();
    positive(p, path + ".emergency", emergency);
    positive(p, path + ".database", database);
    positive(p, path + ".full", full);
    services.forEach((name, d) -> {
      if (!knownServices.contains(name)) {
        p.add(path + ".services: '" + name + "' is not under services: add it there or remove it here");
      }
      if (d == null) {
        p.add(path + ".services." + name + ": empty: write how long a rollback of this service may take, e.g. 5m");
      }
      positive(p, path + ".services." + name, d);
    });
    return p;
  }

  private static void positive(List<String> p, String path, Duration d) {
    if (d != null && (d.isNegative() || d.isZero())) {
      p.add(path + ": " + d + " is not a positive duration: write how long a rollback may take, e.g. 10m");
    }
  }

  /**
   * How a run that took {@code took} compares with its SLA, for the resolved message and the
   * rollback log: "within SLA (4m12s of 10m)" or "over SLA by 3m05s (13m05s of 10m)".
   */
  public static String verdict(Duration took, Duration sla) {
    if (took.compareTo(sla) <= 0) {
      return "within SLA (" + format(took) + " of " + format(sla) + ")";
    }
    return "over SLA by " + format(took.minus(sla)) + " (" + format(took) + " of " + format(sla) + ")";
  }

  /** A duration as people write it: 45s, 4m12s, 10m, 1h05m, to the second. */
  public static String format(Duration d) {
    long s = Math.max(0, d.getSeconds());
    long h = s / 3600;
    long m = s % 3600 / 60;
    long sec = s % 60;
    if (h > 0) {
      return h + "h" + (m == 0 && sec == 0 ? "" : String.format(Locale.ROOT, "%02dm", m)) + (sec == 0 ? "" : String.format(Locale.ROOT, "%02ds", sec));
    }
    if (m > 0) {
      return m + "m" + (sec == 0 ? "" : String.format(Locale.ROOT, "%02ds", sec));
    }
    return sec + "s";
  }
}
