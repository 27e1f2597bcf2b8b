package dev.runbook.workflows.model;

/** An operator's answer to a step that failed for good. */
public record DecisionRequest(DecisionAction action, String person, String comment) {}
