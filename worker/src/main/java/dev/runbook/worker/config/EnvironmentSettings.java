package dev.runbook.worker.config;

import dev.runbook.activities.service.TargetKind;
import java.util.List;

/**
 * An environment for the full runbook: its services in start order, its databases, and its kind
 * ({@code production} unless written otherwise, see {@link TargetKind}).
 */
public record EnvironmentSettings(List<String> services, List<String> databases, String kind) {
  public EnvironmentSettings {
    kind = TargetKind.orDefault(kind);
  }

  public EnvironmentSettings(List<String> services, List<String> databases) {
    this(services, databases, null);
  }

  public List<String> databaseList() {
    return databases == null ? List.of() : databases;
  }
}
