package dev.runbook.bench.recovery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A service driven through commands whose deploy takes {@code seconds}: the long step a worker is
 * killed in. The deploy runs through the product's command adapter, so it heartbeats through the
 * product's CommandRunner (a tick about once a second) like any real one. Each deploy writes its
 * shell's process id to a file: a killed worker leaves its deploy running, and the measure stops
 * those when it ends.
 */
final class LongDeploy {
  /** The services' name prefix: one service per run at a time (one rollback per service runs at once). */
  static final String SERVICE = "slow-";
  /** The activity type of a deploy, as Temporal names it. */
  static final String ACTIVITY = "ServiceDeploy";

  private final Path dir;
  private final Path pids;
  private final long seconds;
  private final int services;

  LongDeploy(Path dir, long seconds, int services) throws IOException {
    this.dir = Files.createDirectories(dir);
    this.pids = dir.resolve("deploy-pids.txt");
    this.seconds = seconds;
    this.services = services;
    for (int i = 0; i < services; i++) {
      Files.writeString(dir.resolve("current-" + service(i) + ".txt"), "v2\n");
    }
  }

  static String service(int i) {
    return SERVICE + i;
  }

  long seconds() {
    return seconds;
  }

  /** Adds the services to a configuration tree (the reliability stack's). */
  @SuppressWarnings("unchecked")
  void addTo(Map<String, Object> tree) {
    Map<String, Object> all = (Map<String, Object>) tree.get("services");
    for (int i = 0; i < services; i++) {
      all.put(service(i), service());
    }
  }

  private Map<String, Object> service() {
    Map<String, Object> command = new LinkedHashMap<>();
    command.put("deploy", List.of("sh", "-c",
        "echo $$ >> \"$2\"; sleep \"$3\" && echo \"$1\" > \"current-$4.txt\"",
        "deploy", "{version}", pids.toString(), Long.toString(seconds), "{service}"));
    command.put("currentVersion", List.of("sh", "-c", "cat \"current-$1.txt\"", "current", "{service}"));
    command.put("listVersions", List.of("printf", "%s\\n", "v2", "v1"));
    command.put("health", List.of("true"));
    command.put("workDir", dir.toString());
    command.put("timeout", "10m");
    Map<String, Object> service = new LinkedHashMap<>();
    service.put("adapter", "command");
    service.put("command", command);
    return service;
  }

  /** Stops every deploy still running (the killed workers' ones, and the runs ended early). */
  void stopLeftovers() throws IOException {
    if (!Files.exists(pids)) {
      return;
    }
    for (String line : Files.readAllLines(pids)) {
      if (line.isBlank()) {
        continue;
      }
      ProcessHandle.of(Long.parseLong(line.trim())).ifPresent(p -> {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      });
    }
  }
}
