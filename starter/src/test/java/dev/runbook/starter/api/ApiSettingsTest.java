package dev.runbook.starter.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Settings validation names the path, what is wrong and the fix; tokens and their hashes. */
class ApiSettingsTest {
  private static final String HASH = Tokens.sha256Hex("alice-token");

  private static ApiSettings.PersonEntry alice() {
    return new ApiSettings.PersonEntry("alice", List.of("engineering-lead"), HASH);
  }

  private static AlertRoute route(String name, String runbook, String service, String serviceLabel,
      String environment, String severity, String severityLabel) {
    return new AlertRoute(name, Map.of("alertname", "HighErrorRate"), runbook, service, serviceLabel,
        environment, null, severity, severityLabel, null, null);
  }

  @Test
  void omittedPartsTakeTheirDefaults() throws Exception {
    ApiSettings s = new ObjectMapper().readValue("""
        {"people": [{"name": "alice", "roles": ["engineering-lead"], "tokenSha256": "%s"}]}""".formatted(HASH),
        ApiSettings.class);

    assertThat(s.listen()).isEqualTo("127.0.0.1:8080");
    assertThat(s.listenAddress()).isEqualTo(new InetSocketAddress("127.0.0.1", 8080));
    assertThat(s.threads()).isEqualTo(16);
    assertThat(s.starters()).isEmpty();
    assertThat(s.environments()).isEmpty();
    assertThat(s.alertRoutes()).isEmpty();
    assertThat(s.problems("api")).isEmpty();
  }

  @Test
  void theDocumentedShapeReadsAndIsValid() throws Exception {
    ApiSettings s = new ObjectMapper().readValue("""
        {"listen": "0.0.0.0:8080", "threads": 32,
         "people": [
           {"name": "alice", "roles": ["engineering-lead"], "tokenSha256": "%s"},
           {"name": "alertmanager", "roles": ["alerting"], "tokenSha256": "%s"}],
         "starters": ["on-call", "engineering-lead", "alerting"],
         "environments": {"prod": {"services": ["api", "web"], "databases": ["api"]}},
         "alertRoutes": [
           {"name": "high-error-rate", "match": {"alertname": "HighErrorRate"}, "runbook": "emergency",
            "serviceLabel": "service", "severity": "P1", "reasonAnnotation": "summary"},
           {"name": "prod-down", "match": {"alertname": "ProdDown", "env": "prod"}, "runbook": "full",
            "environment": "prod", "severityLabel": "severity", "dryRun": true}]}
        """.formatted(HASH, Tokens.sha256Hex("bot")), ApiSettings.class);

    assertThat(s.problems("api")).isEmpty();
    assertThat(s.listenAddress().getPort()).isEqualTo(8080);
    assertThat(s.alertRoutes().get(1).matches(Map.of("alertname", "ProdDown", "env", "prod", "x", "y"))).isTrue();
    assertThat(s.alertRoutes().get(1).matches(Map.of("alertname", "ProdDown", "env", "staging"))).isFalse();
    assertThat(s.alertRoutes().get(1).matches(Map.of("alertname", "ProdDown"))).isFalse();
  }

  @Test
  void everyProblemNamesItsPathAndTheFix() {
    ApiSettings s = new ApiSettings(
        "localhost", 0,
        List.of(
            alice(),
            new ApiSettings.PersonEntry("Bob Smith", List.of(" "), HASH),
            new ApiSettings.PersonEntry("carol", null, "abc123"),
            new ApiSettings.PersonEntry("alice", List.of(), null)),
        List.of(""),
        Map.of("prod", new ApiSettings.Environment(List.of("api", "api"), List.of("API")),
            "staging", new ApiSettings.Environment(null, null)),
        List.of(
            route("errors", "emergency", "api", "service", null, "P1", null),
            route("errors", "full", "api", null, "qa", "P7", null),
            route(null, "restart", null, null, null, null, null)));

    assertThat(s.problems("api")).containsExactly(
        "api.listen: 'localhost' is not host:port: use e.g. 127.0.0.1:8080 (0.0.0.0:8080 to listen on every interface)",
        "api.threads: 0 is out of range: use 1 to 256 (default 16)",
        "api.people[1].name: 'Bob Smith' is not a valid name: use lower-case letters, digits, '.', '_' or '-'",
        "api.people[1].roles[0]: a role is empty: name the role or remove the entry",
        "api.people[1].tokenSha256: the same token hash as people[0]: give each person their own token (`runbook token new`)",
        "api.people[2].tokenSha256: not a SHA-256 hex digest (64 hex digits): use the value printed by `runbook token new`, never the token itself",
        "api.people[3].name: 'alice' is also people[0]: list each person once",
        "api.people[3].tokenSha256: is required: use the hash printed by `runbook token new`",
        "api.starters[0]: a role is empty: name a role, or leave starters empty to let anyone known start runs",
        "api.environments.prod.services[1]: 'api' is listed twice: list each service once",
        "api.environments.prod.databases[0]: 'API' is not a valid database name: use the name the database has under databases",
        "api.environments.staging.services: is required: list the environment's services in start order",
        "api.alertRoutes[0]: give either service (a fixed value) or serviceLabel (the label to read it from), not both",
        "api.alertRoutes[1]: service and serviceLabel are for emergency and database routes: use environment or environmentLabel",
        "api.alertRoutes[1].environment: 'qa' is not under environments: known are prod, staging",
        "api.alertRoutes[1].severity: severity 'P7' is not valid: use P0 (no approval), P1 or P2",
        "api.alertRoutes[1].name: 'errors' is used by an earlier route: give each route its own name",
        "api.alertRoutes[2].name: is required: a short name the webhook's answer reports, e.g. high-error-rate",
        "api.alertRoutes[2].runbook: runbook 'restart' is not known: use emergency, database or full",
        "api.alertRoutes[2]: give either severity (a fixed value) or severityLabel (the label to read it from), not neither");
  }

  @Test
  void withoutPeopleEveryRequestWouldBeRefusedSoThatIsAProblem() {
    assertThat(new ApiSettings(null, null, null, null, null, null).problems(""))
        .containsExactly("people: nobody is configured, so every request would be refused:"
            + " add people with name, roles and tokenSha256 (from `runbook token new`)");
  }

  @Test
  void timeoutsAndTheConnectionLimitHaveDefaultsAndRanges() {
    ApiSettings defaults = new ApiSettings(null, null, null, null, null, null);
    assertThat(defaults.readTimeout()).isEqualTo(java.time.Duration.ofSeconds(10));
    assertThat(defaults.writeTimeout()).isEqualTo(java.time.Duration.ofSeconds(30));
    assertThat(defaults.maxConnections()).isEqualTo(256);
    assertThat(defaults.tls()).isNull();
    assertThat(defaults.scheme()).isEqualTo("http");

    ApiSettings bad = BareApi.settings(16).withLimits(java.time.Duration.ZERO, java.time.Duration.ofMinutes(6), 0);
    assertThat(bad.problems("api")).containsExactly(
        "api.readTimeout: 0s is out of range: use 1s to 5m (default 10s)",
        "api.writeTimeout: 360s is out of range: use 1s to 5m (default 30s)",
        "api.maxConnections: 0 is out of range: use 1 to 4096 (default 256)");
    assertThat(BareApi.settings(16).withLimits(null, null, 8).problems("api")).containsExactly(
        "api.maxConnections: 8 is below threads (16), so some threads could never serve:"
            + " raise maxConnections or lower threads");
    assertThat(BareApi.settings(16).withLimits(java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(5), 16)
        .problems("api")).isEmpty();
  }

  @Test
  void tlsWithoutItsPartsIsNamed() {
    assertThat(BareApi.settings(2).withTls(new ApiTls(null, null, null, null, null)).problems("api"))
        .containsExactly("api.tls: give certificate and key (PEM files) or keystore and password (PKCS12),"
            + " or leave tls out to serve plain HTTP");
    assertThat(BareApi.settings(2).withTls(new ApiTls("cert.pem", null, null, null, null)).problems("api"))
        .containsExactly("api.tls.key: is required with certificate: the PEM file with the certificate's private key");
    assertThat(BareApi.settings(2).withTls(new ApiTls(null, null, null, null, null)).scheme()).isEqualTo("https");
  }

  @Test
  void theJdkServerPropertiesFollowTheSettings() {
    assertThat(JdkServerLimits.properties(BareApi.settings(4).withLimits(java.time.Duration.ofSeconds(7), null, 50)))
        .containsEntry("sun.net.httpserver.maxReqTime", "7")
        .containsEntry("jdk.httpserver.maxConnections", "50")
        .containsEntry("sun.net.httpserver.maxIdleConnections", "50")
        .doesNotContainKey("sun.net.httpserver.maxRspTime");
  }

  @Test
  void badLabelNamesInARouteAreNamed() {
    AlertRoute r = new AlertRoute("x", Map.of("alert-name", "A"), "database", null, "service name", null, null,
        null, "sev", "sum mary", false);

    assertThat(r.problems("alertRoutes[0]", Set.of())).containsExactly(
        "alertRoutes[0].match: 'alert-name' is not a label name: use letters, digits and '_', not starting with a digit",
        "alertRoutes[0].serviceLabel: 'service name' is not a label name: use letters, digits and '_', not starting with a digit",
        "alertRoutes[0].reasonAnnotation: 'sum mary' is not a label name: use letters, digits and '_', not starting with a digit");
  }

  @Test
  void theServerRefusesSettingsWithProblems() {
    ApiSettings s = new ApiSettings("127.0.0.1:0", null, List.of(new ApiSettings.PersonEntry("alice", null, "x")),
        null, null, null);

    assertThatThrownBy(() -> new ApiServer(s, null, null, () -> "", () -> true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid API settings: people[0].tokenSha256: not a SHA-256 hex digest");
  }

  @Test
  void tokensAreRandomUrlSafeAndOnlyTheirHashIsConfigured() {
    Set<String> tokens = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      String t = Tokens.newToken();
      assertThat(t).hasSize(43).matches("[A-Za-z0-9_-]+");
      tokens.add(t);
    }
    assertThat(tokens).hasSize(100);
    assertThat(Tokens.sha256Hex("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }
}
