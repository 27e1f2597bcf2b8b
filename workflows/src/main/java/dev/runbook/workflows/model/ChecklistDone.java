package dev.runbook.workflows.model;

/** A person ticks a manual item (or one whose check they vouch for) of a checklist. */
public record ChecklistDone(String person, String item, String note) {}
