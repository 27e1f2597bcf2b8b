package dev.runbook.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.worker.config.ConfigLoader;
import dev.runbook.worker.config.RunbookConfig;
import dev.runbook.workflows.engine.RunbookSearchAttributes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml cannot run on a machine without a Docker engine, so it is checked statically:
 * references and conditions hold, ports do not clash, the runbook services' configuration loads
 * with the environment compose gives them and points at the stack's own services, the search
 * attributes it creates are the ones runs set, and Temporal's schema is set up the same way the
 * native script (scripts/temporal-server) does it for the tests.
 */
class ComposeFileTest {
  private static final Path ROOT = Path.of("..");
  private final JsonNode compose;
  private final JsonNode services;

  ComposeFileTest() throws Exception {
    compose = ComposeFile.read(ROOT.resolve("docker-compose.yml"));
    services = compose.get("services");
  }

  private List<String> names() {
    List<String> n = new ArrayList<>();
    services.fieldNames().forEachRemaining(n::add);
    return n;
  }

  @Test
  void hasTheStackDesignAsks() {
    assertThat(names()).contains("postgresql", "temporal", "temporal-ui", "runbook-worker-1", "runbook-worker-2",
        "runbook-api");
  }

  @Test
  void dependenciesExistAndTheirConditionsCanHold() {
    for (String name : names()) {
      JsonNode deps = services.get(name).get("depends_on");
      if (deps == null) {
        continue;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = deps.fields(); it.hasNext(); ) {
        var dep = it.next();
        assertThat(names()).as(name + " depends on " + dep.getKey()).contains(dep.getKey());
        String condition = dep.getValue().get("condition").asText();
        JsonNode target = services.get(dep.getKey());
        switch (condition) {
          case "service_healthy" -> assertThat(target.has("healthcheck")).as(dep.getKey() + " needs a healthcheck").isTrue();
          case "service_completed_successfully" -> assertThat(target.get("restart").asText()).as(dep.getKey()).isEqualTo("no");
          default -> assertThat(condition).isEqualTo("service_started");
        }
      }
    }
  }

  @Test
  void publishedPortsDoNotClash() {
    Set<String> host = new HashSet<>();
    for (String name : names()) {
      JsonNode ports = services.get(name).get("ports");
      if (ports != null) {
        ports.forEach(p -> assertThat(host.add(p.asText().split(":")[0])).as("host port of " + p).isTrue());
      }
    }
  }

  @Test
  void theRunbookConfigurationLoadsWithComposesEnvironmentAndPointsAtTheStack() {
    JsonNode worker = services.get("runbook-worker-1");
    assertThat(worker.get("volumes").toString()).contains("./deploy/runbook.yaml:/etc/runbook/runbook.yaml");
    Map<String, String> env = Map.of(
        "TEMPORAL_ADDRESS", worker.get("environment").get("TEMPORAL_ADDRESS").asText(),
        "POSTGRES_USER", "temporal",
        "POSTGRES_PASSWORD", "compose-secret",
        "RUNBOOK_DB", "runbook");
    RunbookConfig config = ConfigLoader.load(ROOT.resolve("deploy/runbook.yaml"), env::get);

    String address = config.temporal().address();
    assertThat(names()).contains(address.split(":")[0]);
    assertThat(services.get("temporal").get("ports").toString()).contains(":" + address.split(":")[1]);
    assertThat(config.audit().url()).isEqualTo("jdbc:postgresql://postgresql:5432/"
        + ComposeFile.defaulted(services.get("postgresql").get("environment").get("POSTGRES_DB").asText()));
    assertThat(config.apiSettings().listen()).endsWith(":8080");
    assertThat(services.get("runbook-api").get("ports").toString()).contains(":8080\"");
    assertThat(worker.get("ports").toString()).contains(":" + config.worker().metricsListen().split(":")[1] + "\"");
    assertThat(worker.get("command").toString()).contains("worker");
    assertThat(services.get("runbook-api").get("command").toString()).contains("serve");
  }

  @Test
  void theSearchAttributesCreatedAreTheOnesRunsSet() {
    String command = services.get("temporal-namespace").get("command").toString();
    Matcher m = Pattern.compile("(\\w+):(Keyword|KeywordList|Text|Int|Double|Bool|Datetime)\\b").matcher(command);
    Map<String, String> created = new java.util.TreeMap<>();
    while (m.find()) {
      created.put(m.group(1), m.group(2));
    }
    Map<String, String> expected = new java.util.TreeMap<>();
    RunbookSearchAttributes.ALL.forEach((name, type) -> expected.put(name, RunbookSearchAttributes.cliTypeName(type)));
    assertThat(created).isEqualTo(expected);
  }

  @Test
  void temporalsSchemaIsSetUpAsTheNativeScriptDoesIt() throws Exception {
    String compose = services.get("temporal-schema").get("command").toString();
    String script = Files.readString(ROOT.resolve("scripts/temporal-server"));
    assertThat(compose).contains("--plugin postgres12");
    assertThat(script).contains("SQL_PLUGIN=postgres12");
    for (String step : List.of("setup-schema -v 0.0", "update-schema -d", "create-database")) {
      assertThat(compose).as("compose runs " + step).contains(step);
      assertThat(script).as("the script runs " + step).contains(step);
    }
    assertThat(compose).contains("schema/postgresql/v12/");
    assertThat(script).contains("schema/postgresql/v12");
    assertThat(compose).contains("temporal_visibility");
  }

  @Test
  void theImageRunsTheLauncherMainClass() throws Exception {
    String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
    assertThat(dockerfile).contains("dev.runbook.worker.Main").contains("worker/target/lib/")
        .contains("postgresql-client-" + services.get("postgresql").get("image").asText().replaceAll(".*:-?(\\d+)}?", "$1"));
    assertThat(Main.class.getName()).isEqualTo("dev.runbook.worker.Main");
  }
}
