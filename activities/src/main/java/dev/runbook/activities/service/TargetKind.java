package dev.runbook.activities.service;

import dev.runbook.workflows.model.Validation;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a service or an environment is for: {@code production} (the default, so that a target
 * nobody labelled is treated with the most care), {@code staging}, or another lower-case word a
 * team uses. Drills refuse any target of kind {@code production}.
 */
public final class TargetKind {
  public static final String PRODUCTION = "production";
  public static final String STAGING = "staging";

  private static final Pattern WORD = Pattern.compile("[a-z][a-z0-9-]{0,31}");

  private TargetKind() {}

  /** The kind as written, or production when none is. */
  public static String orDefault(String kind) {
    return kind == null ? PRODUCTION : kind;
  }

  public static boolean isProduction(String kind) {
    return PRODUCTION.equals(orDefault(kind));
  }

  /** @param path the YAML path of the kind, e.g. {@code services.api.kind} */
  public static Optional<String> problem(String path, String kind) {
    if (kind == null || WORD.matcher(kind).matches()) {
      return Optional.empty();
    }
    return Optional.of(path + ": '" + Validation.printable(kind) + "' is not a kind: use production, staging"
        + " or another lower-case word (letters, digits and '-', up to 32), or leave it out for production");
  }
}
