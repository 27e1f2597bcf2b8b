package dev.runbook.workflows.policy;

import java.util.List;

/** Someone who may start, approve or decide, with their roles. No credentials here. */
public record Person(String name, List<String> roles) {
  public boolean hasRole(String role) {
    return roles != null && roles.contains(role);
  }

  public boolean hasAnyRole(List<String> wanted) {
    return roles != null && wanted != null && wanted.stream().anyMatch(roles::contains);
  }
}
