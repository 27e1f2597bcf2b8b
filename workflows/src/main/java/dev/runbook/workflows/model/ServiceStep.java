package dev.runbook.workflows.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The per-service phases of a full rollback. */
public enum ServiceStep {
  /**
   * Capture evidence and resolve the target version, and for a service with configuration, the
   * configuration that version last ran healthy with.
   */
  PREPARE,
  STOP,
  DEPLOY,
  /** Write back the configuration snapshot named in the request (the service is stopped). */
  RESTORE_CONFIG,
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
