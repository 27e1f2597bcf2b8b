package dev.runbook.workflows.model;

import java.time.Duration;
import java.time.Instant;

/**
 * An armed run's fix-forward window while it lasts: the rollback goes ahead at {@code endsAt}
 * unless a person disarms it (or cancels the run) or the alert that armed it resolves. Clients
 * count down from {@code endsAt} with their own clock.
 *
 * @param armedBy the person who armed it with {@code --arm}, or null when an alert did
 * @param alert the Alertmanager alert whose route armed it, or null when a person did
 * @param plan what goes ahead at the end, e.g. "api v2 -> v1"
 */
public record Armed(
    Instant armedAt, Instant endsAt, Duration window, String armedBy, AlertRef alert, String plan) {

  /** Who or what armed the run, as people read it. */
  public String by() {
    return alert != null ? "the alert " + alert.describe() : armedBy == null ? "someone" : armedBy;
  }
}
