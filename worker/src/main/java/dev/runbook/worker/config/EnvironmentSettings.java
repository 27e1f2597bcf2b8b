package dev.runbook.worker.config;

import java.util.List;

/** An environment for the full runbook: its services in start order and its databases. */
public record EnvironmentSettings(List<String> services, List<String> databases) {
  public List<String> databaseList() {
    return databases == null ? List.of() : databases;
  }
}
