package dev.runbook.worker.config;

import dev.runbook.workflows.policy.Person;
import java.util.ArrayList;
import java.util.List;

/**
 * Someone who may start, approve or decide: their roles, and the SHA-256 of their API token
 * (tokens are never stored in clear; `runbook token new` prints both).
 */
public record PersonSettings(String name, List<String> roles, String tokenSha256) {
  public Person toPerson() {
    return new Person(name, roles == null ? List.of() : List.copyOf(roles));
  }

  List<String> problems(String path) {
    List<String> p = new ArrayList<>();
    if (name == null || !dev.runbook.workflows.model.Validation.NAME.matcher(name).matches()) {
      p.add(path + ".name: '" + name + "' is not a valid name: use lower-case letters, digits, '.', '_' or '-'");
    }
    if (tokenSha256 != null && !tokenSha256.matches("[0-9a-f]{64}")) {
      p.add(path + ".tokenSha256: not a SHA-256 hex digest: use the value printed by `runbook token new`");
    }
    return p;
  }
}
