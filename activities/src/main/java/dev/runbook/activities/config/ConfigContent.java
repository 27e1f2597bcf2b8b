package dev.runbook.activities.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a configuration holds, as read from the service: the exact bytes of an env file; the data
 * of a ConfigMap and the env entries of a container; or a platform's variables. This is what is
 * sealed into a snapshot, and it exists only on a worker: it never goes into a workflow, a message
 * or a log line ({@link #toString} says how many variables, not what they are).
 *
 * @param file envFile: the file, byte for byte
 * @param configMap kubernetes: the ConfigMap's data, or null when none is kept
 * @param env kubernetes: the container's env entries (name with value or valueFrom), or null
 * @param variables command: the platform's variables
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConfigContent(
    String kind,
    byte[] file,
    Map<String, String> configMap,
    List<Map<String, Object>> env,
    Map<String, String> variables) {

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  static ConfigContent envFile(byte[] file) {
    return new ConfigContent(ConfigSettings.ENV_FILE, file, null, null, null);
  }

  static ConfigContent kubernetes(Map<String, String> configMap, List<Map<String, Object>> env) {
    return new ConfigContent(ConfigSettings.KUBERNETES, null, configMap, env, null);
  }

  static ConfigContent command(Map<String, String> variables) {
    return new ConfigContent(ConfigSettings.COMMAND, null, null, null, variables);
  }

  /** The env file as text. */
  @JsonIgnore
  String text() {
    return new String(file, StandardCharsets.UTF_8);
  }

  /**
   * Every variable by name, for diffs: an env file's (without {@code kept}, which belongs to the
   * version, not the configuration), a ConfigMap's keys and the env's names as {@code env:NAME},
   * or the platform's.
   */
  Map<String, String> variables(Set<String> kept) {
    Map<String, String> all = new TreeMap<>();
    switch (kind) {
      case ConfigSettings.ENV_FILE -> DotEnv.parse(text()).forEach((k, v) -> {
        if (!kept.contains(k)) {
          all.put(k, v);
        }
      });
      case ConfigSettings.KUBERNETES -> {
        if (configMap != null) {
          all.putAll(configMap);
        }
        if (env != null) {
          for (Map<String, Object> entry : env) {
            Object value = entry.containsKey("value") ? entry.get("value") : entry.get("valueFrom");
            all.put("env:" + entry.get("name"), value instanceof String s ? s : canonical(value));
          }
        }
      }
      default -> all.putAll(variables == null ? Map.of() : variables);
    }
    return all;
  }

  /**
   * This content with {@code kept} variables as they are in {@code now} (an env file shared with
   * the version's tag keeps the tag of the version that runs).
   */
  ConfigContent keeping(Set<String> kept, ConfigContent now) {
    if (!kind.equals(ConfigSettings.ENV_FILE) || kept.isEmpty() || now == null) {
      return this;
    }
    String text = text();
    for (String name : kept) {
      var value = DotEnv.value(now.text(), name);
      if (value.isPresent()) {
        text = DotEnv.with(text, name, value.get(), true);
      }
    }
    return envFile(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * This content with {@code values} set: lines of an env file rewritten (or appended), keys of a
   * ConfigMap, a platform's variables. A drill's configuration break writes it.
   */
  ConfigContent with(Map<String, String> values) {
    switch (kind) {
      case ConfigSettings.ENV_FILE -> {
        String text = text();
        for (Map.Entry<String, String> e : new TreeMap<>(values).entrySet()) {
          text = DotEnv.with(text, e.getKey(), e.getValue(), true);
        }
        return envFile(text.getBytes(StandardCharsets.UTF_8));
      }
      case ConfigSettings.KUBERNETES -> {
        Map<String, String> data = new TreeMap<>(configMap == null ? Map.of() : configMap);
        data.putAll(values);
        return kubernetes(data, env);
      }
      default -> {
        Map<String, String> all = new TreeMap<>(variables == null ? Map.of() : variables);
        all.putAll(values);
        return command(all);
      }
    }
  }

  /** The canonical form hashed into a snapshot's ID: {@code kept} variables blanked. */
  String canonical(Set<String> kept) {
    ConfigContent c = this;
    if (kind.equals(ConfigSettings.ENV_FILE) && !kept.isEmpty()) {
      String text = text();
      for (String name : kept) {
        text = DotEnv.with(text, name, "", false);
      }
      c = envFile(text.getBytes(StandardCharsets.UTF_8));
    }
    return canonical(c);
  }

  byte[] toBytes() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static ConfigContent fromBytes(byte[] bytes) {
    try {
      return JSON.readValue(bytes, ConfigContent.class);
    } catch (IOException e) {
      throw new IllegalStateException("a configuration snapshot opened but does not read: " + e.getMessage(), e);
    }
  }

  private static String canonical(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Copies of the env entries, each a plain map (for writing back). */
  List<Map<String, Object>> envEntries() {
    List<Map<String, Object>> out = new ArrayList<>();
    if (env != null) {
      env.forEach(e -> out.add(new LinkedHashMap<>(e)));
    }
    return out;
  }

  @Override
  public String toString() {
    return "ConfigContent[" + kind + ", " + variables(Set.of()).size() + " variables]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConfigContent c && canonical(this).equals(canonical(c));
  }

  @Override
  public int hashCode() {
    return canonical(this).hashCode();
  }
}
