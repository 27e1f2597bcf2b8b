package dev.runbook.activities.service;

import dev.runbook.workflows.model.Validation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A docker compose service whose image tag comes from a variable in an env file (the Ignition
 * runbook: {@code docker compose stop api}, set {@code IMAGE_TAG}, {@code up -d api}).
 *
 * <pre>
 * dockerCompose:
 *   file: deploy/docker-compose.yml
 *   project: shop
 *   service: api                 # default: the service's name in runbook.yaml
 *   envFile: deploy/.env
 *   tagVariable: IMAGE_TAG
 *   binary: /opt/docker/bin/docker  # default: docker from PATH
 *   listVersions: [./bin/list-tags, api]   # optional, one tag per line, newest first
 *   timeout: 5m
 * </pre>
 */
public record ComposeSettings(
    String file,
    String project,
    String service,
    String envFile,
    String tagVariable,
    String binary,
    List<String> listVersions,
    Duration timeout) {
  private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern PROJECT = Pattern.compile("[a-z0-9][a-z0-9_-]*");

  public ComposeSettings {
    tagVariable = tagVariable == null ? "IMAGE_TAG" : tagVariable;
    listVersions = listVersions == null ? List.of() : List.copyOf(listVersions);
    timeout = timeout == null ? Duration.ofMinutes(5) : timeout;
  }

  public List<String> problems(String path) {
    List<String> problems = new ArrayList<>();
    if (file == null || file.isBlank()) {
      problems.add(path + ".file: missing: give the compose file, e.g. deploy/docker-compose.yml");
    }
    if (project == null || !PROJECT.matcher(project).matches()) {
      problems.add(path + ".project: " + (project == null ? "missing" : "'"
          + Validation.printable(project) + "' is not a compose project name")
          + ": use lower-case letters, digits, '_' or '-'");
    }
    if (service != null && !Validation.NAME.matcher(service).matches()) {
      problems.add(path + ".service: '" + Validation.printable(service) + "' is not a compose"
          + " service name: use lower-case letters, digits, '.', '_' or '-'");
    }
    if (envFile == null || envFile.isBlank()) {
      problems.add(path + ".envFile: missing: give the env file that holds " + tagVariable
          + ", e.g. deploy/.env");
    }
    if (!VARIABLE.matcher(tagVariable).matches()) {
      problems.add(path + ".tagVariable: '" + Validation.printable(tagVariable) + "' is not a"
          + " variable name: use letters, digits and '_', e.g. IMAGE_TAG");
    }
    problems.addAll(Argv.problems(path + ".listVersions", listVersions, false, false));
    ServiceSettings.positive(problems, path + ".timeout", timeout);
    return problems;
  }
}
