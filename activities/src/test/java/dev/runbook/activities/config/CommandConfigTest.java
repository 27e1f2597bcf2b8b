package dev.runbook.activities.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.runbook.activities.ledger.ReleaseLedger;
import dev.runbook.activities.service.CommandSettings;
import dev.runbook.activities.service.ServiceSettings;
import dev.runbook.activities.support.TestStore;
import dev.runbook.workflows.activities.ConfigActivities.ConfigRestoreResult;
import dev.runbook.workflows.activities.ConfigActivities.ConfigSnapshot;
import dev.runbook.workflows.activities.ConfigActivities.RestoreRequest;
import dev.runbook.workflows.activities.ConfigActivities.SnapshotRequest;
import dev.runbook.workflows.activities.FailureType;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A platform's variables as a service's configuration, through argv templates, against fake CLIs
 * that record every call: Heroku-shaped (values as arguments) and Vercel-shaped (pulled into a
 * file, set on standard input). The platform gets the values; nothing the product shows does.
 */
class CommandConfigTest {
  @TempDir Path dir;
  private HikariDataSource db;
  private ConfigKey key;

  @BeforeEach
  void setUp() {
    db = TestStore.fresh();
    key = ConfigKey.parse(ConfigKey.newKey());
  }

  @AfterEach
  void close() {
    db.close();
  }

  private ConfigActivitiesImpl heroku(Path bin) {
    String h = bin.resolve("heroku").toString();
    CommandConfigSettings config = new CommandConfigSettings(
        List.of(h, "config", "--json", "--app", "shop-api"), null,
        List.of(h, "config:set", "{name}={value}", "--app", "shop-api"),
        List.of(h, "config:unset", "{name}", "--app", "shop-api"), null, null, null);
    return activities("api", config);
  }

  private ConfigActivitiesImpl activities(String service, CommandConfigSettings config) {
    ServiceSettings settings = new ServiceSettings("command", null,
        new CommandSettings(null, null, List.of("deploy", "{version}"), null, null, List.of("true"), null, null),
        null, null, null, null, null, null, null, null).withConfig(new ConfigSettings(null, null, config, null));
    return new ConfigActivitiesImpl(Map.of(service, settings), dir, "", key, db, new ReleaseLedger(db, Clock.systemUTC()),
        Clock.systemUTC());
  }

  private static void set(Path bin, String... pairs) throws Exception {
    for (String pair : pairs) {
      Process p = new ProcessBuilder(bin.resolve("heroku").toString(), "config:set", pair).start();
      p.waitFor();
    }
  }

  @Test
  void restoringSetsWhatDiffersAndUnsetsWhatTheSnapshotDoesNotHaveWithEveryValueMaskedInWhatItShows()
      throws Exception {
    Path bin = dir.resolve("heroku-bin");
    FakePrograms.install("fake-heroku", bin, "heroku");
    set(bin, "PAYMENTS_URL=https://pay.example.com", "STRIPE_KEY=sk_live_good_4242", "LOG_LEVEL=info");
    ConfigActivitiesImpl configs = heroku(bin);
    ConfigSnapshot good = configs.snapshot(new SnapshotRequest("api", "ci", false));
    assertThat(good.names()).containsExactly("LOG_LEVEL", "PAYMENTS_URL", "STRIPE_KEY");
    assertThat(good.planned()).containsExactly(bin.resolve("heroku") + " config --json --app shop-api");
    set(bin, "STRIPE_KEY=sk_live_bad_9999", "NEW_FLAG=enabled-now");
    String bad = configs.snapshot(new SnapshotRequest("api", "ci", false)).snapshotId();
    Files.delete(bin.resolve("calls.log"));

    ConfigRestoreResult r = configs.restore(new RestoreRequest("api", good.snapshotId(), "k/1", false));

    assertThat(r.changed()).isTrue();
    String h = bin.resolve("heroku").toString();
    assertThat(FakePrograms.calls(bin.resolve("calls.log"))).containsExactly(
        List.of("config", "--json", "--app", "shop-api"),
        List.of("config:set", "STRIPE_KEY=sk_live_good_4242", "--app", "shop-api"),
        List.of("config:unset", "NEW_FLAG", "--app", "shop-api"),
        List.of("config", "--json", "--app", "shop-api"));
    assertThat(r.planned()).containsExactly(
        h + " config --json --app shop-api",
        h + " config:set 'STRIPE_KEY=****' --app shop-api",
        h + " config:unset NEW_FLAG --app shop-api",
        h + " config --json --app shop-api");
    assertThat(r.detail()).startsWith("restored configuration " + good.snapshotId() + " (was " + bad + "): NEW_FLAG"
        + " removed, STRIPE_KEY changed (").endsWith("), LOG_LEVEL unchanged, PAYMENTS_URL unchanged");
    String shown = new ObjectMapper().writeValueAsString(r);
    assertThat(List.of("sk_live_good_4242", "sk_live_bad_9999", "enabled-now", "pay.example.com"))
        .noneSatisfy(v -> assertThat(shown).contains(v));

    Files.delete(bin.resolve("calls.log"));
    assertThat(configs.restore(new RestoreRequest("api", good.snapshotId(), "k/1", false)).changed()).isFalse();
    assertThat(FakePrograms.calls(bin.resolve("calls.log"))).as("a second restore only reads")
        .containsExactly(List.of("config", "--json", "--app", "shop-api"));
  }

  @Test
  void aPlatformThatRefusesIsReportedWithoutAnyValueItEchoed() throws Exception {
    Path bin = dir.resolve("heroku-bin");
    FakePrograms.install("fake-heroku", bin, "heroku");
    set(bin, "STRIPE_KEY=sk_live_good_4242");
    ConfigActivitiesImpl configs = heroku(bin);
    String good = configs.snapshot(new SnapshotRequest("api", "ci", false)).snapshotId();
    set(bin, "STRIPE_KEY=sk_live_bad_9999");
    Files.writeString(bin.resolve("fail-set"), "");

    ApplicationFailure f = null;
    try {
      configs.restore(new RestoreRequest("api", good, "k/2", false));
    } catch (ApplicationFailure e) {
      f = e;
    }

    assertThat(f).isNotNull();
    assertThat(f.getType()).isEqualTo(FailureType.COMMAND_FAILED.name());
    assertThat(f.isNonRetryable()).isFalse();
    assertThat(f.getOriginalMessage()).isEqualTo(bin.resolve("heroku") + " config:set 'STRIPE_KEY=****' --app shop-api"
        + " exited 1: Setting STRIPE_KEY=**** and restarting app... failed: the platform refused the change");
  }

  @Test
  void aFilePulledVariablesAndValuesOnStandardInputForAPlatformThatRefusesAnExistingName() throws Exception {
    Path bin = dir.resolve("vercel-bin");
    Path vercel = FakePrograms.install("fake-vercel", bin, "vercel");
    Files.writeString(bin.resolve("vars"), "API_URL=https://api.example.com\nFEATURE_X=off\n");
    String v = vercel.toString();
    ConfigActivitiesImpl configs = activities("web", new CommandConfigSettings(
        List.of(v, "env", "pull", "{file}", "--environment", "production", "--yes"), "env",
        List.of(v, "env", "add", "{name}", "production"),
        List.of(v, "env", "rm", "{name}", "production", "--yes"), true, null, null));
    String good = configs.snapshot(new SnapshotRequest("web", "ci", false)).snapshotId();
    Files.writeString(bin.resolve("vars"), "API_URL=https://api.example.com\nFEATURE_X=on-for-everyone\n");
    Files.delete(bin.resolve("calls.log"));

    ConfigRestoreResult r = configs.restore(new RestoreRequest("web", good, "k/3", false));

    assertThat(r.changed()).isTrue();
    assertThat(Files.readString(bin.resolve("vars"))).isEqualTo("API_URL=https://api.example.com\nFEATURE_X=off\n");
    List<List<String>> calls = FakePrograms.calls(bin.resolve("calls.log"));
    assertThat(calls).hasSize(4);
    assertThat(calls.get(1)).containsExactly("env", "rm", "FEATURE_X", "production", "--yes");
    assertThat(calls.get(2)).as("the value is not an argument").containsExactly("env", "add", "FEATURE_X", "production");
    assertThat(r.planned()).contains(v + " env add FEATURE_X production (value on standard input)")
        .allSatisfy(p -> assertThat(p).doesNotContain("on-for-everyone").doesNotContain("api.example.com"));
    assertThat(r.planned().get(0)).isEqualTo(v + " env pull '<a temporary file>' --environment production --yes");
    try (var left = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      assertThat(left.filter(p -> p.getFileName().toString().startsWith("runbook-config-"))
          .filter(p -> Files.exists(p.resolve("config.env")))).as("the pulled file is removed").isEmpty();
    }
  }
}
