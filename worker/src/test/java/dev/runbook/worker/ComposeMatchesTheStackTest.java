package dev.runbook.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.worker.config.ConfigLoader;
import dev.runbook.worker.config.RunbookConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml and scripts/stack run the same topology, one in containers and one as native
 * processes (the one these machines can run and the tests prove). Their settings live in
 * deploy/stack.env; this checks the compose file agrees with it, pins what it runs, keeps its
 * secrets out, and gives the runbook processes every variable their configuration reads.
 */
class ComposeMatchesTheStackTest {
  private static final Path ROOT = Path.of("..");
  /** What both topologies must agree on. */
  private static final List<String> SHARED = List.of("TEMPORAL_VERSION", "TEMPORAL_UI_VERSION", "TEMPORAL_PORT",
      "TEMPORAL_UI_PORT", "API_PORT", "WORKER1_METRICS_PORT", "WORKER2_METRICS_PORT", "POSTGRES_USER", "RUNBOOK_DB");

  private final JsonNode services;
  private final String text;
  private final Map<String, String> stack;

  ComposeMatchesTheStackTest() throws Exception {
    services = ComposeFile.read(ROOT.resolve("docker-compose.yml")).get("services");
    text = Files.readString(ROOT.resolve("docker-compose.yml"));
    stack = ComposeFile.envFile(ROOT.resolve("deploy/stack.env"));
  }

  private List<String> names() {
    List<String> n = new ArrayList<>();
    services.fieldNames().forEachRemaining(n::add);
    return n;
  }

  @Test
  void composesDefaultsAreTheNativeStacksSettings() {
    Map<String, String> defaults = ComposeFile.variables(text);
    for (String name : SHARED) {
      assertThat(stack).as("deploy/stack.env sets " + name).containsKey(name);
      assertThat(defaults).as("docker-compose.yml reads " + name + " with a default").containsKey(name);
      assertThat(defaults.get(name)).as(name + ": compose's default and deploy/stack.env").isEqualTo(stack.get(name));
    }
    defaults.forEach((name, value) -> {
      if (value != null && stack.containsKey(name)) {
        assertThat(value).as(name + ": compose's default and deploy/stack.env").isEqualTo(stack.get(name));
      }
    });
  }

  @Test
  void theServerIsTheReleaseTheNativeScriptBuildsAndItsToolsMatchIt() throws Exception {
    Matcher m = Pattern.compile("(?m)^TEMPORAL_SERVER_VERSION=(\\S+)$")
        .matcher(Files.readString(ROOT.resolve("scripts/temporal-server")));
    assertThat(m.find()).isTrue();
    assertThat(stack.get("TEMPORAL_VERSION")).isEqualTo(m.group(1));
    Map<String, String> defaults = ComposeFile.variables(text);
    assertThat(defaults.get("TEMPORAL_ADMINTOOLS_VERSION")).isEqualTo(defaults.get("TEMPORAL_VERSION"));
  }

  @Test
  void everyImageIsPinnedAndNoneIsAutoSetup() {
    for (String name : names()) {
      JsonNode image = services.get(name).get("image");
      if (image == null) {
        continue;
      }
      String resolved = ComposeFile.defaulted(image.asText());
      assertThat(resolved).as(name + "'s image").doesNotContain("auto-setup").doesNotEndWith(":latest");
      if (!resolved.startsWith("runbook:")) {
        assertThat(resolved).as(name + "'s image names a version").matches("[a-z0-9./-]+:[0-9][0-9A-Za-z.-]*");
      }
    }
  }

  @Test
  void thePasswordComesFromTheSecretsFileOnlyAndThatFileStaysOutOfGitAndTheImage() throws Exception {
    Map<String, String> vars = ComposeFile.variables(text);
    assertThat(vars).containsKey("POSTGRES_PASSWORD");
    assertThat(vars.get("POSTGRES_PASSWORD")).as("no default password").isNull();
    assertThat(text).contains("${POSTGRES_PASSWORD:?");
    assertThat(text).doesNotContainPattern("(?i)(password|pwd)\\s*:\\s*[\"']?[A-Za-z0-9]");
    assertThat(stack).doesNotContainKeys("POSTGRES_PASSWORD", "LEAD_TOKEN_SHA256");
    assertThat(Files.readString(ROOT.resolve(".gitignore"))).contains("deploy/stack.secrets");
    assertThat(Files.readString(ROOT.resolve(".dockerignore"))).contains("deploy/stack.secrets");
  }

  @Test
  void everyServiceSomethingWaitsForIsCheckedAndTheRunbookProcessesHaveHealthchecks() {
    for (String name : List.of("postgresql", "temporal", "runbook-worker-1", "runbook-worker-2", "runbook-api")) {
      assertThat(services.get(name).has("healthcheck")).as(name + " has a healthcheck").isTrue();
    }
    assertThat(services.get("temporal-ui").get("depends_on").get("temporal").get("condition").asText())
        .isEqualTo("service_healthy");
  }

  @Test
  void theRunbookProcessesGetEveryVariableTheirConfigurationReadsAndAnswerHealthWhereTheyListen() throws Exception {
    String yaml = Files.readString(ROOT.resolve("deploy/runbook.yaml"));
    Map<String, String> read = ComposeFile.variables(yaml);
    for (String name : List.of("runbook-worker-1", "runbook-worker-2", "runbook-api")) {
      JsonNode env = services.get(name).get("environment");
      read.forEach((var, dflt) -> {
        if (dflt == null) {
          assertThat(env.has(var)).as(name + " is given " + var + ", which deploy/runbook.yaml reads").isTrue();
        }
      });
    }
    Map<String, String> env = new java.util.HashMap<>();
    services.get("runbook-api").get("environment").fields()
        .forEachRemaining(e -> env.put(e.getKey(), ComposeFile.defaulted(e.getValue().asText())));
    env.put("POSTGRES_PASSWORD", "compose-secret");
    RunbookConfig config = ConfigLoader.load(ROOT.resolve("deploy/runbook.yaml"), env::get);
    String metricsPort = config.worker().metricsListen().split(":")[1];
    String apiPort = config.apiSettings().listen().split(":")[1];
    assertThat(services.get("runbook-worker-1").get("environment").get("RUNBOOK_HEALTH_PORT").asText()).isEqualTo(metricsPort);
    assertThat(services.get("runbook-worker-2").get("environment").get("RUNBOOK_HEALTH_PORT").asText()).isEqualTo(metricsPort);
    assertThat(services.get("runbook-api").get("environment").get("RUNBOOK_HEALTH_PORT").asText()).isEqualTo(apiPort);
    assertThat(services.get("runbook-worker-2").get("ports").toString()).contains(":" + metricsPort + "\"");
  }

  @Test
  void theServerRunsTheNativeDynamicConfigAndTheRollbackLogsDatabaseIsCreated() {
    JsonNode temporal = services.get("temporal");
    String path = temporal.get("environment").get("DYNAMIC_CONFIG_FILE_PATH").asText();
    assertThat(temporal.get("volumes").toString())
        .contains("./scripts/temporal/dynamicconfig.yaml:/etc/temporal/" + path + ":ro");
    assertThat(Files.exists(ROOT.resolve("scripts/temporal/dynamicconfig.yaml"))).isTrue();
    assertThat(ComposeFile.defaulted(services.get("postgresql").get("environment").get("POSTGRES_DB").asText()))
        .isEqualTo(stack.get("RUNBOOK_DB"));
  }

  @Test
  void bothWorkersShareTheStateVolumeSoABackupOneTakesTheOtherRestores() {
    assertThat(services.get("runbook-worker-1").get("volumes")).isEqualTo(services.get("runbook-worker-2").get("volumes"));
    assertThat(services.get("runbook-worker-1").get("volumes").toString()).contains("runbook-state:/var/lib/runbook");
  }
}
