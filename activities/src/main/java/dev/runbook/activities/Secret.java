package dev.runbook.activities;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;

/**
 * A password, token or webhook URL from configuration. It prints as {@code ****} everywhere (logs,
 * exceptions, {@code toString} of the records that hold it) and serializes the same way, so it
 * cannot leak through a log line or a workflow payload by accident. Only {@link #reveal()} gives
 * the value, at the point of use.
 */
public final class Secret {
  public static final String MASK = "****";

  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  @JsonCreator
  public static Secret of(String value) {
    return new Secret(value == null ? "" : value);
  }

  public String reveal() {
    return value;
  }

  public boolean isEmpty() {
    return value.isEmpty();
  }

  /** Replaces every occurrence of this secret in a text (an error message, command output). */
  public String redact(String text) {
    if (text == null || value.length() < 4) {
      return text;
    }
    return text.replace(value, MASK);
  }

  @JsonValue
  @Override
  public String toString() {
    return MASK;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s
        && MessageDigest.isEqual(
            value.getBytes(StandardCharsets.UTF_8), s.value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }
}
