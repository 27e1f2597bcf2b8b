package dev.runbook.workflows.activities;

/** One check: an HTTP probe, a SQL query, a command, an error-rate query. */
public record CheckResult(String name, boolean passed, String detail) {}
