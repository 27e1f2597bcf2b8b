package dev.runbook.activities.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.runbook.activities.ledger.ReleaseLedger;
import dev.runbook.activities.service.KubernetesSettings;
import dev.runbook.activities.service.ServiceSettings;
import dev.runbook.activities.support.TestStore;
import dev.runbook.workflows.activities.ConfigActivities.ConfigRestoreResult;
import dev.runbook.workflows.activities.ConfigActivities.ConfigSnapshot;
import dev.runbook.workflows.activities.ConfigActivities.RestoreRequest;
import dev.runbook.workflows.activities.ConfigActivities.SnapshotRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ConfigMap and a container's env as a service's configuration, against the fake kubectl the
 * adapter's tests use: read as JSON, restored as a whole from files only this user can read (no
 * value is ever an argument), the namespace, deployment and kubectl taken from the adapter.
 */
class KubernetesConfigTest {
  private static final String IMAGE = "registry.example.com/shop/api";

  @TempDir Path dir;
  private HikariDataSource db;
  private Path bin;
  private ConfigActivitiesImpl configs;

  @BeforeEach
  void setUp() {
    db = TestStore.fresh();
    bin = dir.resolve("bin");
    FakePrograms.install("fake-kubectl", bin, "kubectl");
    write("deployment", "api\n");
    write("replicas", "2\n");
    write("revisions", "1\t" + IMAGE + ":v1\n");
    write("configmap.json", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"api-config\"},"
        + "\"data\":{\"LOG_LEVEL\":\"info\",\"PAYMENTS_URL\":\"https://pay.example.com\"}}");
    write("env.json", "[{\"name\":\"STRIPE_KEY\",\"value\":\"sk_live_good_4242\"},{\"name\":\"DB_PASSWORD\","
        + "\"valueFrom\":{\"secretKeyRef\":{\"name\":\"db\",\"key\":\"password\"}}}]");
    ServiceSettings api = new ServiceSettings("kubernetes", null, null, null,
        new KubernetesSettings("prod-eu", "shop", "api", null, IMAGE, null, Duration.ofSeconds(30), "bin/kubectl"),
        null, null, null, null, null, null)
        .withConfig(new ConfigSettings(null, new KubernetesConfigSettings(null, null, "api-config", true, null, null,
            null, null), null, null));
    assertThat(api.problems("services.api")).isEmpty();
    configs = new ConfigActivitiesImpl(Map.of("api", api), dir, "", ConfigKey.parse(ConfigKey.newKey()), db,
        new ReleaseLedger(db, Clock.systemUTC()), Clock.systemUTC());
  }

  @AfterEach
  void close() {
    db.close();
  }

  private void write(String name, String text) {
    try {
      Files.writeString(bin.resolve(name), text);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void theConfigMapAndTheEnvAreRestoredAsAWholeFromFilesNeverFromArguments() throws Exception {
    ConfigSnapshot good = configs.snapshot(new SnapshotRequest("api", "ci", false));
    assertThat(good.names()).containsExactly("LOG_LEVEL", "PAYMENTS_URL", "env:DB_PASSWORD", "env:STRIPE_KEY");
    write("configmap.json", "{\"data\":{\"LOG_LEVEL\":\"debug\",\"PAYMENTS_URL\":\"https://pay.example.com\","
        + "\"NEW_FLAG\":\"on\"}}");
    write("env.json", "[{\"name\":\"STRIPE_KEY\",\"value\":\"sk_live_bad_9999\"}]");
    Files.delete(bin.resolve("calls.log"));

    ConfigRestoreResult r = configs.restore(new RestoreRequest("api", good.snapshotId(), "k/1", false));

    assertThat(r.changed()).isTrue();
    var json = new ObjectMapper();
    assertThat(json.readTree(bin.resolve("configmap.json").toFile()).path("data").toString())
        .isEqualTo("{\"LOG_LEVEL\":\"info\",\"PAYMENTS_URL\":\"https://pay.example.com\"}");
    assertThat(json.readTree(bin.resolve("configmap.json").toFile()).path("metadata").toString())
        .isEqualTo("{\"name\":\"api-config\",\"namespace\":\"shop\"}");
    assertThat(json.readTree(bin.resolve("env.json").toFile())).as("the same entries, keys in any order")
        .isEqualTo(json.readTree("[{\"name\":\"STRIPE_KEY\",\"value\":\"sk_live_good_4242\"},{\"name\":\"DB_PASSWORD\","
            + "\"valueFrom\":{\"secretKeyRef\":{\"name\":\"db\",\"key\":\"password\"}}}]"));
    List<List<String>> calls = FakePrograms.calls(bin.resolve("calls.log"));
    assertThat(calls).extracting(c -> String.join(" ", c.subList(4, Math.min(c.size(), 7)))).containsExactly(
        "get configmap api-config", "get deployment/api -o", "get deployment/api -o", "replace -f " + calls.get(3).get(6),
        "patch deployment/api --type=json", "get configmap api-config", "get deployment/api -o");
    assertThat(calls).allSatisfy(c -> assertThat(String.join(" ", c)).doesNotContain("sk_live"));
    assertThat(calls.get(4)).containsSequence("--patch-file");
    assertThat(Files.exists(Path.of(calls.get(3).get(6)))).as("the manifest's file is removed").isFalse();
    assertThat(r.planned()).contains(
        "kubectl --context prod-eu -n shop replace -f '<ConfigMap api-config, 2 keys>'",
        "kubectl --context prod-eu -n shop patch deployment/api --type=json --patch-file '<env of api, 2 entries>'");
    assertThat(r.detail()).contains("LOG_LEVEL changed", "NEW_FLAG removed", "env:DB_PASSWORD added",
        "env:STRIPE_KEY changed");
    assertThat(json.writeValueAsString(r)).doesNotContain("sk_live").doesNotContain("pay.example.com");

    assertThat(configs.restore(new RestoreRequest("api", good.snapshotId(), "k/1", false)).changed()).isFalse();
  }
}
