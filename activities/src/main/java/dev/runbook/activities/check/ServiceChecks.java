package dev.runbook.activities.check;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks of one service: its smoke checks and, optionally, its error-rate query. The service
 * settings carry these; the check activities get them per service name.
 */
public record ServiceChecks(List<CheckSettings> smokeChecks, ErrorRateSettings errorRate) {
  public static final ServiceChecks NONE = new ServiceChecks(List.of(), null);

  public ServiceChecks {
    smokeChecks = smokeChecks == null ? List.of() : List.copyOf(smokeChecks);
  }

  /** @param path the YAML path of the service, e.g. {@code services.api} */
  public List<String> problems(String path) {
    List<String> problems = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < smokeChecks.size(); i++) {
      CheckSettings check = smokeChecks.get(i);
      String p = path + ".smokeChecks[" + i + "]";
      if (check == null) {
        problems.add(p + ": empty entry: remove it or describe a check");
        continue;
      }
      problems.addAll(check.problems(p));
      if (check.name() != null && !names.add(check.name())) {
        problems.add(p + ".name: '" + check.name() + "' is used twice: give each check its own name");
      }
    }
    if (errorRate != null) {
      problems.addAll(errorRate.problems(path + ".errorRate"));
    }
    return problems;
  }
}
