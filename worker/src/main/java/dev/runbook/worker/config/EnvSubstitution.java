package dev.runbook.worker.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:-default}} in the string values of a parsed YAML tree
 * with environment variables ({@code $${...}} stays literal). Done on the tree, not the text, so a
 * secret's characters can never change the YAML's structure. The values it put in are remembered,
 * so error messages can be scrubbed of them.
 */
final class EnvSubstitution {
  private static final Pattern VAR = Pattern.compile("\\$(\\$?)\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");

  private final Function<String, String> env;
  private final boolean requireAll;
  private final List<String> problems = new ArrayList<>();
  private final Set<String> substituted = new LinkedHashSet<>();
  private final Set<String> unsetPaths = new LinkedHashSet<>();

  /**
   * @param requireAll whether a variable that is not set is a problem; a process that only reads
   *     the configuration's shape (the CLI) does not need the workers' secrets
   */
  EnvSubstitution(Function<String, String> env, boolean requireAll) {
    this.env = env;
    this.requireAll = requireAll;
  }

  /** The paths whose value named a variable that is not set (left empty). */
  Set<String> unsetPaths() {
    return unsetPaths;
  }

  List<String> problems() {
    return problems;
  }

  /** Every value taken from the environment, to redact from messages. */
  Set<String> values() {
    return substituted;
  }

  void apply(JsonNode node, String path) {
    if (node instanceof ObjectNode obj) {
      Iterator<Map.Entry<String, JsonNode>> it = obj.fields();
      List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
      it.forEachRemaining(entries::add);
      for (Map.Entry<String, JsonNode> e : entries) {
        String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        if (e.getValue().isTextual()) {
          obj.set(e.getKey(), new TextNode(substitute(e.getValue().asText(), child)));
        } else {
          apply(e.getValue(), child);
        }
      }
    } else if (node instanceof ArrayNode arr) {
      for (int i = 0; i < arr.size(); i++) {
        String child = path + "[" + i + "]";
        if (arr.get(i).isTextual()) {
          arr.set(i, new TextNode(substitute(arr.get(i).asText(), child)));
        } else {
          apply(arr.get(i), child);
        }
      }
    }
  }

  private String substitute(String text, String path) {
    Matcher m = VAR.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement;
      if (!m.group(1).isEmpty()) {
        replacement = "${" + m.group(2) + (m.group(3) == null ? "" : m.group(3)) + "}";
      } else {
        String value = env.apply(m.group(2));
        if (value == null || (value.isEmpty() && m.group(3) != null)) {
          if (m.group(3) != null) {
            value = m.group(4);
          } else {
            if (requireAll) {
              problems.add(path + ": ${" + m.group(2) + "} is not set: export " + m.group(2)
                  + " before starting, or give a default with ${" + m.group(2) + ":-value}");
            }
            unsetPaths.add(path);
            value = "";
          }
        } else if (value.length() >= 4) {
          substituted.add(value);
        }
        replacement = value;
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }
}
