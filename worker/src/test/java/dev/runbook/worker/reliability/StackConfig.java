package dev.runbook.worker.reliability;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * StackIT's runbook.yaml: the demo's sample service and database plus a second service on a
 * stand-in platform whose deploys can be made slow, with Temporal, the rollback log, the API and
 * the worker settings read from the environment {@code scripts/stack} gives its processes.
 */
final class StackConfig {
  private StackConfig() {}

  /** The demo's config made the stack's: its Temporal, rollback log, API and worker settings from the script's env. */
  static Path write(Path dir, Path demoConfig, String erinSha256, String aliceSha256) throws Exception {
    YAMLMapper yaml = new YAMLMapper();
    @SuppressWarnings("unchecked")
    Map<String, Object> tree = yaml.readValue(demoConfig.toFile(), LinkedHashMap.class);
    Path platform = dir.resolve("platform.sh");
    Files.writeString(platform, """
        #!/bin/sh
        # billing's stand-in platform: a deploy sleeps as many seconds as STATE/slow says.
        set -eu
        state="$1"; cmd="$2"; service="$3"; version="${4:-}"
        mkdir -p "$state/$service"
        case "$cmd" in
          deploy) if [ -f "$state/slow" ]; then sleep "$(cat "$state/slow")"; fi
                  printf '%s\\n' "$version" > "$state/$service/current" ;;
          current) cat "$state/$service/current" ;;
          health) [ -f "$state/$service/current" ] ;;
          stop|start) echo "$cmd" > "$state/$service/state" ;;
        esac
        """);
    Files.setPosixFilePermissions(platform, PosixFilePermissions.fromString("rwxr-xr-x"));
    String state = dir.resolve("stack/state/platform").toString();
    Map<String, Object> billing = new LinkedHashMap<>();
    billing.put("adapter", "command");
    billing.put("command", Map.of(
        "deploy", List.of(platform.toString(), state, "deploy", "billing", "{version}"),
        "currentVersion", List.of(platform.toString(), state, "current", "billing"),
        "health", List.of(platform.toString(), state, "health", "billing"),
        "stop", List.of(platform.toString(), state, "stop", "billing"),
        "start", List.of(platform.toString(), state, "start", "billing")));
    billing.put("verifyTimeout", "10s");
    @SuppressWarnings("unchecked")
    Map<String, Object> svcs = new LinkedHashMap<>((Map<String, Object>) tree.get("services"));
    svcs.put("billing", billing);
    tree.put("services", svcs);
    tree.put("environments", Map.of("prod", Map.of("services", List.of("shop", "billing"), "databases", List.of("shop"))));
    tree.put("temporal", Map.of("address", "${TEMPORAL_ADDRESS}", "namespace", "default", "taskQueue", "runbook"));
    tree.put("audit", Map.of("url", "jdbc:postgresql://${POSTGRES_HOST}:${POSTGRES_PORT}/${RUNBOOK_DB}",
        "user", "${POSTGRES_USER}", "password", "${POSTGRES_PASSWORD}"));
    tree.put("people", List.of(
        Map.of("name", "erin", "roles", List.of("on-call"), "tokenSha256", erinSha256),
        Map.of("name", "alice", "roles", List.of("engineering-lead"), "tokenSha256", aliceSha256),
        Map.of("name", "carol", "roles", List.of("engineering-manager"))));
    tree.put("api", Map.of("listen", "${RUNBOOK_API_LISTEN}"));
    tree.put("worker", Map.of("stateDir", "${RUNBOOK_STATE_DIR}", "metricsListen", "${RUNBOOK_METRICS_LISTEN}",
        "shutdownGrace", "20s"));
    Path config = dir.resolve("app/runbook.yaml");
    yaml.writeValue(config.toFile(), tree);
    return config;
  }
}
