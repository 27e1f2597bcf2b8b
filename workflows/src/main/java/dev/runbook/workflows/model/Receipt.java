package dev.runbook.workflows.model;

/** The answer to an accepted approve, reject, decide or cancel. */
public record Receipt(String workflowId, Phase phase, String message) {}
