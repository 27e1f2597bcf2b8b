package dev.runbook.workflows.model;

import java.time.Instant;

/** Who did what, when: approvals, refusals, decisions, escalations, cancellation. */
public record ActionRecord(Instant at, String actor, String action, String detail) {}
