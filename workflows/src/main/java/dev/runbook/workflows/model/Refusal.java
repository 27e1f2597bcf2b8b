package dev.runbook.workflows.model;

/**
 * A vote or decision the run refused. Update validators cannot write history, so the client that
 * saw the refusal reports it back and the run records it.
 */
public record Refusal(String person, String action, String reason) {}
