package dev.runbook.activities.config;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runbook.activities.Failures;
import dev.runbook.activities.exec.Shell;
import dev.runbook.activities.service.Executables;
import dev.runbook.workflows.activities.FailureType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A ConfigMap and the env of a deployment's container, through kubectl. Restoring replaces the
 * ConfigMap's data as a whole ({@code kubectl replace -f}) and the container's env as a whole
 * ({@code kubectl patch --type=json}); both read their content from a file only this user can
 * read, removed right after, so no value is ever an argument. A changed env rolls the pods out by
 * itself; a changed ConfigMap is read by pods when they restart (the restart step).
 */
final class KubernetesSource implements ConfigSource {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String service;
  private final KubernetesConfigSettings settings;
  private final Executables executables;
  private final Path workDir;

  KubernetesSource(String service, KubernetesConfigSettings settings, Executables executables, Path workDir) {
    this.service = service;
    this.settings = settings;
    this.executables = executables;
    this.workDir = workDir;
  }

  private List<String> kubectl(String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(executables.require("kubectl", settings.binary(), "services." + service + ".config.kubernetes.binary"));
    if (settings.context() != null) {
      argv.add("--context");
      argv.add(settings.context());
    }
    argv.add("-n");
    argv.add(settings.namespace());
    argv.addAll(List.of(args));
    return argv;
  }

  private String display(String... args) {
    List<String> argv = new ArrayList<>(List.of("kubectl"));
    if (settings.context() != null) {
      argv.add("--context");
      argv.add(settings.context());
    }
    argv.addAll(List.of("-n", settings.namespace()));
    argv.addAll(List.of(args));
    return Shell.display(argv);
  }

  private String[] configMapArgs() {
    return new String[] {"get", "configmap", settings.configMap(), "-o", "json"};
  }

  private String[] envArgs() {
    return new String[] {"get", "deployment/" + settings.deployment(), "-o",
        "jsonpath={.spec.template.spec.containers[?(@.name==\"" + settings.containerName() + "\")].env}"};
  }

  private String[] containersArgs() {
    return new String[] {"get", "deployment/" + settings.deployment(), "-o",
        "jsonpath={.spec.template.spec.containers[*].name}"};
  }

  private static FailureType classify(String output) {
    if (output.contains("(NotFound)")) {
      return FailureType.INVALID_INPUT;
    }
    if (output.contains("(Unauthorized)") || output.contains("(Forbidden)") || output.contains("You must be logged in")) {
      return FailureType.BAD_CREDENTIALS;
    }
    return null;
  }

  private String run(ConfigTrace trace, String[] args) {
    return trace.run(kubectl(args), display(args), workDir, settings.timeout(), null, KubernetesSource::classify)
        .stdout();
  }

  @Override
  public ConfigContent read(ConfigTrace trace) {
    trace.progress("reading the configuration of " + service + " from Kubernetes");
    Map<String, String> data = null;
    List<Map<String, Object>> env = null;
    try {
      if (settings.configMap() != null) {
        JsonNode map = JSON.readTree(run(trace, configMapArgs()));
        data = new TreeMap<>(JSON.convertValue(map.path("data").isObject() ? map.path("data")
            : JSON.createObjectNode(), new TypeReference<Map<String, String>>() {}));
        trace.hide(data.values());
      }
      if (settings.env()) {
        String out = run(trace, envArgs()).strip();
        env = out.isEmpty() ? List.of() : JSON.readValue(out, new TypeReference<List<Map<String, Object>>>() {});
        env.forEach(e -> {
          if (e.get("value") instanceof String v) {
            trace.hide(List.of(v));
          }
        });
      }
    } catch (IOException e) {
      throw Failures.of(FailureType.COMMAND_FAILED, "kubectl printed something that is not the JSON expected for "
          + service + "'s configuration");
    }
    return ConfigContent.kubernetes(data, env);
  }

  @Override
  public List<String> planRead() {
    List<String> plan = new ArrayList<>();
    if (settings.configMap() != null) {
      plan.add(display(configMapArgs()));
    }
    if (settings.env()) {
      plan.add(display(envArgs()));
    }
    return plan;
  }

  @Override
  public List<Write> planWrite(ConfigContent target, ConfigContent current, ConfigTrace reads) {
    List<Write> writes = new ArrayList<>();
    if (settings.configMap() != null && !java.util.Objects.equals(target.configMap(), current.configMap())) {
      Map<String, Object> manifest = new LinkedHashMap<>();
      manifest.put("apiVersion", "v1");
      manifest.put("kind", "ConfigMap");
      Map<String, String> metadata = new LinkedHashMap<>();
      metadata.put("name", settings.configMap());
      metadata.put("namespace", settings.namespace());
      manifest.put("metadata", metadata);
      manifest.put("data", target.configMap() == null ? Map.of() : target.configMap());
      String shown = display("replace", "-f", "<ConfigMap " + settings.configMap() + ", "
          + (target.configMap() == null ? 0 : target.configMap().size()) + " keys>");
      writes.add(new Write(shown, trace -> {
        trace.progress("replacing ConfigMap " + settings.configMap());
        withFile(manifest, file -> run(trace, new String[] {"replace", "-f", file.toString()}, shown));
      }));
    }
    if (settings.env() && !java.util.Objects.equals(target.env(), current.env())) {
      int index = containerIndex(reads);
      Map<String, Object> add = new LinkedHashMap<>();
      add.put("op", "add");
      add.put("path", "/spec/template/spec/containers/" + index + "/env");
      add.put("value", target.envEntries());
      List<Map<String, Object>> patch = List.of(add);
      String shown = display("patch", "deployment/" + settings.deployment(), "--type=json", "--patch-file",
          "<env of " + settings.containerName() + ", " + target.envEntries().size() + " entries>");
      writes.add(new Write(shown, trace -> {
        trace.progress("setting the env of " + settings.containerName() + " in " + settings.deployment());
        withFile(patch, file -> run(trace, new String[] {"patch", "deployment/" + settings.deployment(),
            "--type=json", "--patch-file", file.toString()}, shown));
      }));
    }
    return writes;
  }

  private void run(ConfigTrace trace, String[] args, String shown) {
    trace.run(kubectl(args), shown, workDir, settings.timeout(), null, KubernetesSource::classify);
  }

  /** Where the container sits in the pod template (the JSON patch names it by index). */
  private int containerIndex(ConfigTrace reads) {
    String[] names = run(reads, containersArgs()).strip().split("\\s+");
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(settings.containerName())) {
        return i;
      }
    }
    throw Failures.of(FailureType.INVALID_INPUT, "deployment/" + settings.deployment() + " has no container '"
        + settings.containerName() + "' (it has " + String.join(", ", names) + "): set services." + service
        + ".config.kubernetes.container");
  }

  /** Writes {@code content} as JSON to a file only this user can read, runs {@code use}, removes it. */
  private static void withFile(Object content, java.util.function.Consumer<Path> use) {
    Path file = null;
    try {
      file = Files.createTempFile("runbook-config-", ".json",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.write(file, JSON.writeValueAsBytes(content));
      use.accept(file);
    } catch (IOException e) {
      throw Failures.of(FailureType.COMMAND_FAILED, "cannot write the file kubectl reads: " + e.getMessage());
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException ignored) {
          // Only this user can read it; the next boot's tmp cleaning takes it.
        }
      }
    }
  }
}
