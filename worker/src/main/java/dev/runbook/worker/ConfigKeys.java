package dev.runbook.worker;

import dev.runbook.activities.config.ConfigActivitiesImpl;
import dev.runbook.activities.config.ConfigKey;
import dev.runbook.worker.config.ConfigException;
import java.util.List;
import java.util.function.Function;

/**
 * The key configuration snapshots are sealed with, from the worker's environment. A worker whose
 * services keep a configuration refuses to start without it (bad input, exit 2), saying how to
 * make one; it never says what the variable held.
 */
final class ConfigKeys {
  private ConfigKeys() {}

  /**
   * @return the key, or null when no service has a configuration (then none is needed)
   * @throws ConfigException when a service has one and the key is not set or malformed
   */
  static ConfigKey required(Settings settings, Function<String, String> env) {
    List<String> services = ConfigActivitiesImpl.withConfig(settings.config().services());
    String value = env.apply(ConfigKey.ENV);
    if (services.isEmpty() && (value == null || value.isBlank())) {
      return null;
    }
    String who = String.join(", ", services.stream().map(s -> "services." + s + ".config").toList());
    if (value == null || value.isBlank()) {
      throw new ConfigException(settings.source(), List.of(ConfigKey.ENV + " is not set, and " + who
          + " keep" + (services.size() == 1 ? "s" : "") + " its snapshots sealed with it: " + ConfigKey.HOW_TO_MAKE));
    }
    try {
      return ConfigKey.parse(value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(settings.source(), List.of(e.getMessage()));
    }
  }
}
