package dev.runbook.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml and deploy/stack.env as the tests read them. The compose file is parsed with
 * SnakeYAML (Jackson's YAML reader's own parser), which resolves anchors and merge keys
 * ({@code <<: *runbook-worker}) the way compose does; Jackson's tree reader leaves them unresolved.
 */
final class ComposeFile {
  private static final Pattern DEFAULTED = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

  private ComposeFile() {}

  static JsonNode read(Path file) throws IOException {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    Object tree = new Yaml(options).load(Files.readString(file));
    return new ObjectMapper().valueToTree(tree);
  }

  /** {@code text} with every {@code ${NAME:-default}} replaced by its default (what compose uses without an env file). */
  static String defaulted(String text) {
    Matcher m = DEFAULTED.matcher(text);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(b, Matcher.quoteReplacement(m.group(2) == null ? "" : m.group(2)));
    }
    return m.appendTail(b).toString();
  }

  /** The variable names a compose value interpolates, with their defaults (null when it has none). */
  static Map<String, String> variables(String text) {
    Map<String, String> vars = new LinkedHashMap<>();
    Matcher m = DEFAULTED.matcher(text);
    while (m.find()) {
      vars.put(m.group(1), m.group(2));
    }
    return vars;
  }

  /** The {@code NAME=value} lines of an env file (comments and blank lines skipped, no quoting). */
  static Map<String, String> envFile(Path file) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      int eq = l.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(file + ": not NAME=value: " + line);
      }
      env.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
    }
    return env;
  }
}
