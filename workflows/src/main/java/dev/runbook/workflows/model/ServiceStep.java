package dev.runbook.workflows.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The per-service phases of a full rollback. */
public enum ServiceStep {
  /** Capture evidence and resolve the target version. */
  PREPARE,
  STOP,
  DEPLOY,
  START,
  /** Health, version, smoke checks and error rate. */
  VERIFY;

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static ServiceStep parse(String text) {
    return valueOf(text.trim().toUpperCase(Locale.ROOT));
  }
}
