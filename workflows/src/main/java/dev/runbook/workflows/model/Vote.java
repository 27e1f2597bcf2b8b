package dev.runbook.workflows.model;

/** An approval or a rejection. For a rejection the comment is the reason and is required. */
public record Vote(String person, String comment) {}
