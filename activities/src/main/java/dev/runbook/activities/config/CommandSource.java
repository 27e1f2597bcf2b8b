package dev.runbook.activities.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runbook.activities.Failures;
import dev.runbook.activities.exec.Shell;
import dev.runbook.workflows.activities.FailureType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A platform's variables through its CLI ({@code heroku config}, {@code render env}, {@code
 * vercel env}). Reading runs {@code get}; restoring sets each variable that differs and unsets
 * each one the snapshot does not have, one command per variable. A value goes as one argument
 * (or on standard input, when {@code set} has no {@code {value}}); what is shown of the command
 * says {@code ****} in its place.
 */
final class CommandSource implements ConfigSource {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String service;
  private final CommandConfigSettings settings;
  private final Path workDir;

  CommandSource(String service, CommandConfigSettings settings, Path workDir) {
    this.service = service;
    this.settings = settings;
    this.workDir = workDir;
  }

  @Override
  public ConfigContent read(ConfigTrace trace) {
    trace.progress("reading the configuration of " + service);
    boolean toFile = Templates.mentions(settings.get(), Templates.FILE);
    Path dir = null;
    try {
      dir = toFile ? Files.createTempDirectory("runbook-config-") : null;
      Path file = dir == null ? null : dir.resolve("config.env");
      Map<String, String> values = new LinkedHashMap<>();
      values.put(Templates.SERVICE, service);
      if (file != null) {
        values.put(Templates.FILE, file.toString());
      }
      List<String> argv = Templates.substitute(settings.get(), values);
      String out = trace.run(argv, display(settings.get(), Map.of(Templates.SERVICE, service)), workDir,
          settings.timeout(), null, output -> null).stdout();
      if (file != null) {
        if (!Files.isRegularFile(file)) {
          throw Failures.of(FailureType.COMMAND_FAILED, "services." + service + ".config.command.get wrote no"
              + " file at {file}: check that it writes the variables there");
        }
        out = Files.readString(file, StandardCharsets.UTF_8);
      }
      return ConfigContent.command(parse(out, trace));
    } catch (IOException e) {
      throw Failures.of(FailureType.COMMAND_FAILED, "cannot read the configuration of " + service + ": "
          + e.getMessage());
    } finally {
      delete(dir);
    }
  }

  private Map<String, String> parse(String out, ConfigTrace trace) {
    Map<String, String> variables = new TreeMap<>();
    if (settings.format().equals(CommandConfigSettings.ENV)) {
      variables.putAll(DotEnv.parse(out));
    } else {
      JsonNode tree;
      try {
        tree = JSON.readTree(out.isBlank() ? "{}" : out);
      } catch (IOException e) {
        throw Failures.of(FailureType.COMMAND_FAILED, "services." + service + ".config.command.get printed"
            + " something that is not a JSON object: set format: env if it prints NAME=value lines");
      }
      if (!tree.isObject()) {
        throw Failures.of(FailureType.COMMAND_FAILED, "services." + service + ".config.command.get printed JSON"
            + " that is not an object of names and values");
      }
      tree.fields().forEachRemaining(f -> variables.put(f.getKey(),
          f.getValue().isTextual() ? f.getValue().asText() : f.getValue().toString()));
    }
    trace.hide(variables.values());
    return variables;
  }

  @Override
  public List<String> planRead() {
    return List.of(display(settings.get(), Map.of(Templates.SERVICE, service)));
  }

  @Override
  public List<Write> planWrite(ConfigContent target, ConfigContent current, ConfigTrace reads) {
    Map<String, String> want = target.variables() == null ? Map.of() : target.variables();
    Map<String, String> have = current.variables() == null ? Map.of() : current.variables();
    List<Write> writes = new ArrayList<>();
    for (String name : new TreeMap<>(want).keySet()) {
      String value = want.get(name);
      if (value.equals(have.get(name))) {
        continue;
      }
      if (have.containsKey(name) && settings.unsetBeforeSet()) {
        writes.add(unset(name));
      }
      writes.add(set(name, value));
    }
    for (String name : new TreeMap<>(have).keySet()) {
      if (!want.containsKey(name)) {
        if (settings.unset().isEmpty()) {
          throw Failures.of(FailureType.NOT_SUPPORTED, "services." + service + ".config.command.unset is not"
              + " configured, and " + name + " must be removed to restore this configuration: add the command"
              + " that removes a variable");
        }
        writes.add(unset(name));
      }
    }
    return writes;
  }

  private Write set(String name, String value) {
    boolean onStdin = !Templates.mentions(settings.set(), Templates.VALUE);
    Map<String, String> shown = Map.of(Templates.SERVICE, service, Templates.NAME, name, Templates.VALUE, Templates.MASK);
    String display = display(settings.set(), shown) + (onStdin ? " (value on standard input)" : "");
    return new Write(display, trace -> {
      trace.progress("setting " + name + " on " + service);
      List<String> argv = Templates.substitute(settings.set(),
          Map.of(Templates.SERVICE, service, Templates.NAME, name, Templates.VALUE, value));
      trace.run(argv, display, workDir, settings.timeout(), onStdin ? value : null, output -> null);
    });
  }

  private Write unset(String name) {
    Map<String, String> values = Map.of(Templates.SERVICE, service, Templates.NAME, name);
    String display = display(settings.unset(), values);
    return new Write(display, trace -> {
      trace.progress("removing " + name + " from " + service);
      trace.run(Templates.substitute(settings.unset(), values), display, workDir, settings.timeout(), null,
          output -> null);
    });
  }

  private static String display(List<String> template, Map<String, String> values) {
    Map<String, String> all = new LinkedHashMap<>(values);
    all.putIfAbsent(Templates.FILE, "<a temporary file>");
    return Shell.display(Templates.substitute(template, all));
  }

  private static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // A temporary directory left behind is housekeeping, not the restore's failure.
    }
  }
}
