package dev.runbook.workflows.model;

/** Stop a run where it is; recorded with who asked and why. */
public record CancelRequest(String person, String reason) {}
