package dev.runbook.worker.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Loads {@code runbook.yaml}: parses it, substitutes {@code ${ENV}} in string values, maps it onto
 * {@link RunbookConfig} (unknown keys are mistakes, not ignored) and validates it. Every problem
 * comes back at once, naming the file, the path and the fix; values from the environment never
 * appear in a message.
 */
public final class ConfigLoader {
  public static final String DEFAULT_FILE = "runbook.yaml";

  private ConfigLoader() {}

  static ObjectMapper mapper() {
    return YAMLMapper.builder()
        .addModule(new JavaTimeModule())
        .addModule(FriendlyDurations.module())
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
        .build();
  }

  public static RunbookConfig load(Path file) {
    return load(file, System::getenv);
  }

  public static RunbookConfig load(Path file, Function<String, String> env) {
    return load(file, env, true);
  }

  /**
   * @param requireEnv whether every {@code ${VAR}} must be set; false for a process that only
   *     reads the configuration's shape (the CLI): what an unset variable feeds is not judged
   */
  public static RunbookConfig load(Path file, Function<String, String> env, boolean requireEnv) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException(file.toString(), List.of(
          "cannot read it (" + e.getClass().getSimpleName() + ": " + e.getMessage()
              + "): check the path, or run `runbook` without --config to use the defaults"));
    }
    return parse(text, file.toString(), env, requireEnv);
  }

  /**
   * The file's YAML tree with {@code ${ENV}} substituted, neither mapped nor checked: for a command
   * that reads a few settings of a file that passed the whole check before ({@link ConfigVerdicts}).
   *
   * @return null for an empty file
   * @throws JsonProcessingException when it is not YAML
   */
  public static JsonNode substitutedTree(String yaml, Function<String, String> env) throws JsonProcessingException {
    JsonNode tree = TREE.readTree(yaml);
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      return null;
    }
    new EnvSubstitution(env, false).apply(tree, "");
    return tree;
  }

  /** Reads trees only: no modules, nothing of the mapping to set up. */
  private static final ObjectMapper TREE = new YAMLMapper();

  public static RunbookConfig parse(String yaml, String file, Function<String, String> env) {
    return parse(yaml, file, env, true);
  }

  public static RunbookConfig parse(String yaml, String file, Function<String, String> env, boolean requireEnv) {
    ObjectMapper mapper = mapper();
    JsonNode tree;
    try {
      tree = mapper.readTree(yaml);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new ConfigException(file, List.of(
          (at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ")
              + "not valid YAML: " + e.getOriginalMessage()));
    }
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      return RunbookConfig.defaults();
    }
    if (!tree.isObject()) {
      throw new ConfigException(file, List.of("the top level must be a mapping of sections (temporal, audit, policy, people, services, databases, notify, environments, api, worker, slas, drills)"));
    }
    EnvSubstitution substitution = new EnvSubstitution(env, requireEnv);
    substitution.apply(tree, "");
    List<String> problems = new ArrayList<>(substitution.problems());
    RunbookConfig config = null;
    try {
      config = mapper.treeToValue(tree, RunbookConfig.class);
      Path dir = Path.of(file).toAbsolutePath().getParent();
      config = dir == null ? config : config.resolvedAgainst(dir);
    } catch (JsonMappingException e) {
      problems.add(describe(e));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    if (config != null) {
      try {
        problems.addAll(config.problems());
      } catch (RuntimeException e) {
        problems.add("cannot check the configuration: " + e.getMessage());
      }
    }
    if (!requireEnv) {
      problems.removeIf(p -> substitution.unsetPaths().stream().anyMatch(p::startsWith));
    }
    if (!problems.isEmpty()) {
      Set<String> secrets = substitution.values();
      throw new ConfigException(file, problems.stream().map(p -> redact(p, secrets)).toList());
    }
    return config;
  }

  /** A mapping error as "path: what is wrong: what to do". */
  static String describe(JsonMappingException e) {
    String path = e instanceof UnrecognizedPropertyException ? parentPath(e) : path(e);
    String where = path.isEmpty() ? "" : path + ": ";
    if (e instanceof UnrecognizedPropertyException u) {
      String known = u.getKnownPropertyIds() == null ? "" : u.getKnownPropertyIds().stream()
          .map(Object::toString).sorted().collect(Collectors.joining(", "));
      return where + "unknown key '" + u.getPropertyName() + "'" + (known.isEmpty() ? "" : ": use one of " + known);
    }
    if (e instanceof InvalidFormatException f) {
      String type = f.getTargetType() == null ? "value" : f.getTargetType().getSimpleName();
      if (f.getTargetType() != null && f.getTargetType().isEnum()) {
        return where + "'" + f.getValue() + "' is not one of "
            + java.util.Arrays.toString(f.getTargetType().getEnumConstants());
      }
      String detail = f.getOriginalMessage();
      int because = detail.indexOf(": ");
      return where + (type.equals("Duration") && because >= 0
          ? detail.substring(detail.lastIndexOf(": ", detail.length()) + 2)
          : "'" + f.getValue() + "' is not a valid " + type.toLowerCase(java.util.Locale.ROOT));
    }
    if (e instanceof MismatchedInputException m) {
      String type = m.getTargetType() == null ? "value" : m.getTargetType().getSimpleName();
      return where + "expected " + article(type) + ", not what is written there";
    }
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return where + (root instanceof IllegalArgumentException ? root.getMessage() : e.getOriginalMessage());
  }

  private static String article(String type) {
    return switch (type) {
      case "List", "ArrayList" -> "a list";
      case "Map", "LinkedHashMap" -> "a mapping";
      case "Integer", "int", "Long", "long" -> "a whole number";
      case "Boolean", "boolean" -> "true or false";
      case "String" -> "a text value";
      default -> "a " + type + " (a mapping of its fields)";
    };
  }

  /** The path of the mapping that holds the offending key. */
  private static String parentPath(JsonMappingException e) {
    List<JsonMappingException.Reference> refs = e.getPath();
    return path(refs.subList(0, Math.max(0, refs.size() - 1)));
  }

  static String path(JsonMappingException e) {
    return path(e.getPath());
  }

  private static String path(List<JsonMappingException.Reference> refs) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : refs) {
      if (r.getFieldName() != null) {
        if (b.length() > 0) {
          b.append('.');
        }
        b.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        b.append('[').append(r.getIndex()).append(']');
      }
    }
    return b.toString();
  }

  private static String redact(String message, Set<String> secrets) {
    String out = message;
    for (String s : secrets) {
      out = out.replace(s, "****");
    }
    return out;
  }
}
