package dev.runbook.activities.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A local process the adapter starts and stops itself (the demo's service, a single-host app).
 *
 * <pre>
 * process:
 *   argv: [java, -cp, lib/runbook-activities.jar, dev.runbook.activities.demo.SampleService,
 *          --port, "8081", --version, "{version}"]
 *   workDir: .            # relative to runbook.yaml
 *   env: { JAVA_TOOL_OPTIONS: -Xmx64m }
 *   stopGrace: 10s        # SIGTERM, then SIGKILL after this
 *   startTimeout: 30s     # how long start waits for the health URL to answer
 * </pre>
 */
public record ProcessSettings(
    List<String> argv,
    String workDir,
    Map<String, String> env,
    Duration stopGrace,
    Duration startTimeout) {
  public ProcessSettings {
    argv = argv == null ? List.of() : List.copyOf(argv);
    env = env == null ? Map.of() : Map.copyOf(env);
    stopGrace = stopGrace == null ? Duration.ofSeconds(10) : stopGrace;
    startTimeout = startTimeout == null ? Duration.ofSeconds(30) : startTimeout;
  }

  public List<String> problems(String path) {
    List<String> problems = new ArrayList<>(Argv.problems(path + ".argv", argv, true, true));
    if (!argv.isEmpty() && !Argv.mentions(argv, Argv.VERSION)) {
      problems.add(path + ".argv: no {version} placeholder: the adapter starts a given version,"
          + " so put {version} where the program takes it");
    }
    ServiceSettings.positive(problems, path + ".stopGrace", stopGrace);
    ServiceSettings.positive(problems, path + ".startTimeout", startTimeout);
    return problems;
  }
}
