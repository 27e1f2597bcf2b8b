package dev.runbook.activities.service;

import java.util.Arrays;
import java.util.Optional;

/** The ways a service can be acted on; the YAML name is what {@code adapter:} takes. */
enum AdapterKind {
  PROCESS("process"),
  COMMAND("command"),
  DOCKER_COMPOSE("docker-compose"),
  KUBERNETES("kubernetes");

  static final String CHOICES = "process, command, docker-compose or kubernetes";

  private final String yamlName;

  AdapterKind(String yamlName) {
    this.yamlName = yamlName;
  }

  static Optional<AdapterKind> parse(String name) {
    return Arrays.stream(values()).filter(k -> k.yamlName.equals(name)).findFirst();
  }
}
