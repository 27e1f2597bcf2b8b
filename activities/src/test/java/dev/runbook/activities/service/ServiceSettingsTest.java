package dev.runbook.activities.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.runbook.activities.check.ServiceChecks;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The services section as Jackson reads it, and the problems it reports with their YAML paths. */
class ServiceSettingsTest {
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());

  /** The same tree runbook.yaml holds, in JSON form (YAML maps to it one to one). */
  private static final String SERVICES = """
      {
        "api": {
          "adapter": "docker-compose",
          "dockerCompose": {"file": "deploy/docker-compose.yml", "project": "shop",
                            "envFile": "deploy/.env", "tagVariable": "IMAGE_TAG"},
          "healthUrl": "http://127.0.0.1:8081/health",
          "versionUrl": "http://127.0.0.1:8081/version",
          "versionField": "version",
          "verifyTimeout": "PT2M",
          "smokeChecks": [
            {"name": "version", "http": {"url": "http://127.0.0.1:8081/version",
                                         "jsonField": "version", "equals": "v2"}},
            {"name": "orders", "sql": {"jdbcUrl": "jdbc:postgresql://127.0.0.1:5432/shop",
                                       "user": "runbook", "password": "hunter2-secret",
                                       "query": "select count(*) from orders", "min": 1}},
            {"name": "auth", "command": {"argv": ["./bin/check-auth"], "timeout": "PT30S"}}
          ],
          "errorRate": {"prometheusUrl": "http://prometheus:9090",
                        "query": "sum(rate(errors[5m])) / sum(rate(requests[5m]))",
                        "threshold": 0.1}
        },
        "demo": {
          "adapter": "process",
          "process": {"argv": ["java", "-cp", "lib/*", "dev.runbook.activities.demo.SampleService",
                               "--port", "8081", "--version", "{version}"],
                      "stopGrace": "PT10S"},
          "healthUrl": "http://127.0.0.1:8081/health"
        },
        "web": {
          "adapter": "kubernetes",
          "kubernetes": {"context": "prod-eu", "namespace": "shop", "deployment": "web",
                         "image": "registry.example.com:5000/shop/web", "replicas": 3}
        },
        "worker": {
          "adapter": "command",
          "command": {"deploy": ["heroku", "rollback", "{version}", "--app", "shop-worker"],
                      "currentVersion": ["./bin/heroku-current", "shop-worker"]},
          "healthUrl": "https://shop-worker.example.com/health"
        }
      }
      """;

  private static Map<String, ServiceSettings> read(String json) throws Exception {
    return JSON.readValue(json, new TypeReference<LinkedHashMap<String, ServiceSettings>>() {});
  }

  @Test
  void aValidConfigurationReadsIntoRecordsAndHasNoProblems() throws Exception {
    Map<String, ServiceSettings> services = read(SERVICES);

    assertThat(ServiceSettings.problemsOf(services)).isEmpty();
    ServiceSettings api = services.get("api");
    assertThat(api.verifyTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(api.smokeChecks().get(0).http().status()).isEqualTo(200);
    assertThat(api.smokeChecks().get(1).sql().password().reveal()).isEqualTo("hunter2-secret");
    assertThat(services.get("web").kubernetes().container()).isEqualTo("web");
    assertThat(services.get("demo").verifyTimeout()).isEqualTo(Duration.ofMinutes(2));

    // The secret never shows, in toString or written back out.
    assertThat(api.toString()).doesNotContain("hunter2-secret").contains("****");
    assertThat(JSON.writeValueAsString(api)).doesNotContain("hunter2-secret");

    Map<String, ServiceChecks> checks = ServiceSettings.checksByService(services);
    assertThat(checks.get("api").smokeChecks()).hasSize(3);
    assertThat(checks.get("api").errorRate().threshold()).isEqualTo(0.1);
    assertThat(checks.get("web")).isEqualTo(new ServiceChecks(List.of(), null));

    // And the activities can be built from it.
    new ServiceActivitiesImpl(services, Path.of("."), Path.of("state"));
  }

  @Test
  void problemsNameThePathWhatIsWrongAndTheFix() throws Exception {
    Map<String, ServiceSettings> services = read("""
        {
          "api": {"adapter": "dokcer"},
          "demo": {"adapter": "process", "process": {"argv": ["./run", "--v", "{verison}"]},
                   "healthUrl": "ftp://127.0.0.1/health"},
          "web": {"adapter": "kubernetes",
                  "kubernetes": {"namespace": "Shop", "deployment": "web",
                                 "image": "shop/web:v2"}},
          "db-api": {"adapter": "docker-compose", "dockerCompose": {"file": "x.yml"},
                     "smokeChecks": [
                       {"name": "a", "http": {"url": "http://x/h"}, "sql": {"query": "select 1"}},
                       {"name": "b", "sql": {"jdbcUrl": "jdbc:postgresql://h/db", "user": "u",
                                             "query": "select 1; drop table t"}},
                       {"name": "b", "command": {"argv": []}}],
                     "errorRate": {"prometheusUrl": "http://p:9090", "query": "q",
                                   "threshold": 10}},
          "w\\"x": {"adapter": "command"},
          "cli": {"adapter": "command", "command": {"deploy": ["deploy-it"]}}
        }
        """);

    assertThat(ServiceSettings.problemsOf(services)).containsExactlyInAnyOrder(
        "services.api.adapter: unknown kind 'dokcer': use process, command, docker-compose or"
            + " kubernetes",
        "services.demo.process.argv[2]: unknown placeholder {verison}: use {version} or"
            + " {service}",
        "services.demo.process.argv: no {version} placeholder: the adapter starts a given"
            + " version, so put {version} where the program takes it",
        "services.demo.healthUrl: 'ftp://127.0.0.1/health' is not an http:// or https:// URL:"
            + " use the full URL, e.g. http://127.0.0.1:8081/health",
        "services.web.kubernetes.namespace: 'Shop' is not a Kubernetes name: use lower-case"
            + " letters, digits and '-'",
        "services.web.kubernetes.image: 'shop/web:v2' is not an image name without tag: give"
            + " the repository only, e.g. registry.example.com/shop/api (the tag is the"
            + " version)",
        "services.db-api.dockerCompose.project: missing: use lower-case letters, digits, '_'"
            + " or '-'",
        "services.db-api.dockerCompose.envFile: missing: give the env file that holds"
            + " IMAGE_TAG, e.g. deploy/.env",
        "services.db-api.smokeChecks[0]: more than one check given: set exactly one of http,"
            + " sql or command",
        "services.db-api.smokeChecks[0].sql.jdbcUrl: missing: use"
            + " jdbc:postgresql://HOST:PORT/DATABASE",
        "services.db-api.smokeChecks[0].sql.user: missing: name the database user the check"
            + " connects as",
        "services.db-api.smokeChecks[0].sql: nothing to compare with: set min, max or equals",
        "services.db-api.smokeChecks[1].sql.query: more than one statement: give one query"
            + " returning one number",
        "services.db-api.smokeChecks[1].sql: nothing to compare with: set min, max or equals",
        "services.db-api.smokeChecks[2].command.argv: missing: give the program and its"
            + " arguments as a list",
        "services.db-api.smokeChecks[2].name: 'b' is used twice: give each check its own name",
        "services.db-api.errorRate.threshold: 10.0 is not a ratio: use 0..1, e.g. 0.10 for 10%",
        "services.w\"x: 'w\"x' is not a valid service name: use lower-case letters, digits,"
            + " '.', '_' or '-' (it ends up in workflow IDs and commands)",
        "services.w\"x.command: missing: this adapter needs at least a deploy command",
        "services.cli.command.deploy: no {version} placeholder: deploy must be told which"
            + " version to run",
        "services.cli: no way to see the service's health: set healthUrl or command.health");
  }

  @Test
  void theActivitiesRefuseAnInvalidConfiguration() {
    Map<String, ServiceSettings> services = Map.of("api", new ServiceSettings("kubernetes", null,
        null, null, null, null, null, null, null, null, null));
    assertThatThrownBy(() -> new ServiceActivitiesImpl(services, Path.of("."), Path.of("s")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid services configuration: services.api.kubernetes: missing: this"
            + " adapter needs namespace, deployment and image");
  }

  @Test
  void aConfigurationIsOneOfAnEnvFileKubernetesOrACommandAndItsProblemsAreNamed() throws Exception {
    Map<String, ServiceSettings> services = read("""
        {
          "api": {"adapter": "docker-compose",
                  "dockerCompose": {"file": "c.yml", "project": "shop", "envFile": ".env"},
                  "config": {"envFile": ".env", "restart": ["systemctl", "restart", "{service}"]}},
          "web": {"adapter": "kubernetes",
                  "kubernetes": {"namespace": "shop", "deployment": "web", "image": "r.example.com/web"},
                  "config": {"kubernetes": {"configMap": "web-config", "env": true}}},
          "worker": {"adapter": "command", "command": {"deploy": ["d", "{version}"], "health": ["h"]},
                     "config": {"command": {"get": ["heroku", "config", "--json", "--app", "w"],
                                            "set": ["heroku", "config:set", "{name}={value}", "--app", "w"]}}}
        }
        """);
    assertThat(ServiceSettings.problemsOf(services)).isEmpty();
    assertThat(services.get("web").config().withDefaults(services.get("web").kubernetes()).kubernetes().namespace())
        .as("taken from the adapter").isEqualTo("shop");
    assertThat(services.get("worker").config().kind()).isEqualTo("command");

    Map<String, ServiceSettings> bad = read("""
        {
          "api": {"adapter": "process", "process": {"argv": ["run", "{version}"]},
                  "config": {"envFile": ".env", "command": {"get": ["x"], "set": ["y"]}}},
          "web": {"adapter": "process", "process": {"argv": ["run", "{version}"]},
                  "config": {"kubernetes": {"configMap": "Web Config"}, "restart": ["kick", "{version}"]}},
          "worker": {"adapter": "process", "process": {"argv": ["run", "{version}"]},
                     "config": {"command": {"get": ["list", "{value}"], "set": ["put"], "format": "yaml",
                                            "unsetBeforeSet": true}}}
        }
        """);
    assertThat(ServiceSettings.problemsOf(bad)).containsExactly(
        "services.api.config: says 2 things: give exactly one of envFile (a file), kubernetes (a ConfigMap and env)"
            + " or command (a platform's CLI)",
        "services.api.config.command.set: no {name} placeholder: set must be told which variable to set",
        "services.web.config.kubernetes.namespace: missing: give it here or in the service's kubernetes section",
        "services.web.config.kubernetes.configMap: 'Web Config' is not a Kubernetes name: use lower-case letters,"
            + " digits, '-' and '.'",
        "services.web.config.restart[1]: unknown placeholder {version}: use {service}",
        "services.worker.config.command.get[1]: unknown placeholder {value}: use {file}, {service}",
        "services.worker.config.command.set: no {name} placeholder: set must be told which variable to set",
        "services.worker.config.command.unsetBeforeSet needs unset: give the command that removes a variable",
        "services.worker.config.command.format: 'yaml' is not known: use json (an object of names and values) or env"
            + " (NAME=value lines)");
  }
}
