package dev.runbook.worker.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.workflows.model.DrillDetection;
import dev.runbook.workflows.model.DrillRequest;
import dev.runbook.workflows.model.RunbookType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DrillSettingsTest {
  private static final String BASE = """
      people:
        - {name: alice, roles: [oncall, engineering-lead]}
        - {name: bob, roles: [oncall, engineering-manager]}
      services:
        checkout: {adapter: command, command: {deploy: [deploy, "{version}"]}, healthUrl: "http://127.0.0.1:1/health"}
        checkout-staging: {kind: staging, adapter: command, command: {deploy: [deploy, "{version}"]}, healthUrl: "http://127.0.0.1:1/health"}
        web-staging: {kind: staging, adapter: command, command: {deploy: [deploy, "{version}"]}, healthUrl: "http://127.0.0.1:1/health"}
        cart-staging: {kind: staging, adapter: command, command: {deploy: [deploy, "{version}"]}, healthUrl: "http://127.0.0.1:1/health", config: {envFile: cart.env}}
      environments:
        prod: {services: [checkout]}
        staging: {kind: staging, services: [checkout-staging, web-staging]}
      slas:
        full: 30m
      """;

  private static RunbookConfig parse(String drills) {
    return ConfigLoader.parse(BASE + drills, "runbook.yaml", Map.<String, String>of()::get);
  }

  private static List<String> problems(String drills) {
    try {
      parse(drills);
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected the drills section to be refused");
  }

  @Test
  void aGoodSectionGivesTemplatesAndSchedules() {
    RunbookConfig c = parse("""
        drills:
          checkout-staging:
            runbook: emergency
            break: {version: v1.0.0-bad}
            detection: health-check
            detectionLimit: 5m
            sla: 10m
            approver: bob
            schedule: "0 10 1 * *"
          staging-full:
            runbook: full
            target: staging
            break: {version: v9-bad, service: web-staging}
            detection: error-rate
            detectionLimit: 2m
        """);

    DrillRequest emergency = c.drillTemplates().get("checkout-staging");
    assertThat(emergency.runbook()).isEqualTo(RunbookType.EMERGENCY);
    assertThat(emergency.target()).isEqualTo("checkout-staging");
    assertThat(emergency.badVersion()).isEqualTo("v1.0.0-bad");
    assertThat(emergency.detection()).isEqualTo(DrillDetection.HEALTH_CHECK);
    assertThat(emergency.detectionLimit()).isEqualTo(Duration.ofMinutes(5));
    assertThat(emergency.sla()).isEqualTo(Duration.ofMinutes(10));
    assertThat(emergency.approver()).isEqualTo("bob");

    DrillRequest full = c.drillTemplates().get("staging-full");
    assertThat(full.services()).as("the environment's services in start order").containsExactly("checkout-staging", "web-staging");
    assertThat(full.brokenService()).isEqualTo("web-staging");
    assertThat(full.sla()).as("from slas.full").isEqualTo(Duration.ofMinutes(30));
    assertThat(full.approver()).isNull();

    assertThat(c.drillSchedules()).containsOnlyKeys("checkout-staging");
    assertThat(c.drillSchedules().get("checkout-staging").problems()).isEmpty();
    assertThat(c.drillSchedules().get("checkout-staging").schedule().expression()).isEqualTo("0 10 1 * *");
  }

  @Test
  void theExampleHasAMonthlyDrillOfCheckoutStaging() {
    RunbookConfig c = ConfigLoader.load(Path.of("..", "runbook.example.yaml"),
        Map.of("SLACK_WEBHOOK_URL", "https://hooks.example/T/B/secret")::get);
    assertThat(c.drillSchedules()).containsOnlyKeys("checkout-staging");
    assertThat(c.drillTemplates().get("checkout-staging").sla()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void aProductionTargetIsRefused() {
    assertThat(problems("""
        drills:
          checkout: {runbook: emergency, break: {version: v1-bad}, detection: health-check, detectionLimit: 5m, sla: 10m}
        """)).containsExactly("drills.checkout.target: service 'checkout' is kind production, and drills never touch"
            + " production: name a staging service, or write its kind (kind: staging) if it is not production");
    assertThat(problems("""
        drills:
          p: {runbook: full, target: prod, break: {version: v1-bad, service: checkout}, detection: health-check, detectionLimit: 5m}
        """)).anySatisfy(p -> assertThat(p).startsWith("drills.p.target: environment 'prod' is kind production"));
  }

  @Test
  void anUnknownTargetIsRefused() {
    assertThat(problems("""
        drills:
          nowhere: {runbook: emergency, break: {version: v1-bad}, detection: health-check, detectionLimit: 5m, sla: 10m}
        """)).containsExactly("drills.nowhere.target: 'nowhere' is not under services: name a staging service, or add it there");
  }

  @Test
  void anApproverWhoIsNotAPersonIsRefused() {
    assertThat(problems("""
        drills:
          checkout-staging: {runbook: emergency, break: {version: v1-bad}, detection: health-check, detectionLimit: 5m, sla: 10m, approver: zed}
        """)).containsExactly("drills.checkout-staging.approver: 'zed' is not under people: name a person listed there,"
            + " or leave it out to run the drilled rollback at P0");
  }

  @Test
  void aBadDurationIsRefused() {
    assertThat(problems("""
        drills:
          checkout-staging: {runbook: emergency, break: {version: v1-bad}, detection: health-check, detectionLimit: soon, sla: 10m}
        """)).singleElement().satisfies(p -> assertThat(p).startsWith("drills.checkout-staging.detectionLimit: "));
    assertThat(problems("""
        drills:
          checkout-staging: {runbook: emergency, break: {version: v1-bad}, detection: health-check, detectionLimit: 48h, sla: 10m}
        """)).containsExactly("drills.checkout-staging.detectionLimit: 48h is out of range: write more than 0 and at most"
            + " 24h, how long the drill waits to see the break, e.g. 5m");
  }

  @Test
  void aBadCronIsRefused() {
    assertThat(problems("""
        drills:
          checkout-staging: {runbook: emergency, break: {version: v1-bad}, detection: health-check, detectionLimit: 5m, sla: 10m, schedule: "monthly"}
        """)).singleElement().satisfies(p -> assertThat(p).startsWith("drills.checkout-staging.schedule"));
  }

  @Test
  void anUnknownDetectionIsRefused() {
    assertThat(problems("""
        drills:
          checkout-staging: {runbook: emergency, break: {version: v1-bad}, detection: smoke, detectionLimit: 5m, sla: 10m}
        """)).containsExactly("drills.checkout-staging.detection: 'smoke' is not known: write health-check, error-rate, smoke-check or alert");
  }

  @Test
  void aMissingSlaWithNoneUnderSlasIsRefused() {
    assertThat(problems("""
        drills:
          checkout-staging: {runbook: emergency, break: {version: v1-bad}, detection: health-check, detectionLimit: 5m}
        """)).containsExactly("drills.checkout-staging.sla: missing, and slas has no value for checkout-staging: write"
            + " sla (e.g. 10m), or add one under slas");
  }

  @Test
  void twoDrillsOfOneTargetAreRefused() {
    assertThat(problems("""
        drills:
          checkout-staging: {runbook: emergency, break: {version: v1-bad}, detection: health-check, detectionLimit: 5m, sla: 10m}
          again: {runbook: emergency, target: checkout-staging, break: {version: v2-bad}, detection: error-rate, detectionLimit: 5m, sla: 10m}
        """)).containsExactly("drills.again.target: 'checkout-staging' is already drilled by drills.checkout-staging: give"
            + " each target one drill (its schedule and defaults are one run, drills-TARGET)");
  }

  @Test
  void aConfigurationOrCommandBreakIsKeptOnTheWorkersAndTheDrillSaysOnlyWhichKind() {
    RunbookConfig c = parse("""
        drills:
          cart-staging:
            runbook: emergency
            break: {config: {DATABASE_URL: "postgres://nowhere:1/cart"}}
            detection: alert
            alertLabels: {service: cart, env: staging}
            detectionLimit: 5m
            sla: 5m
          checkout-staging:
            runbook: emergency
            break: {command: [./deploy-broken.sh, checkout], undo: [./clean.sh], timeout: 10m, workDir: ci}
            detection: health-check
            detectionLimit: 5m
            sla: 10m
        """);

    DrillRequest cart = c.drillTemplates().get("cart-staging");
    assertThat(cart.breakWith()).isEqualTo(dev.runbook.workflows.model.DrillBreak.CONFIG);
    assertThat(cart.badVersion()).isNull();
    assertThat(cart.alertMatch()).isEqualTo(Map.of("service", "cart", "env", "staging"));
    assertThat(cart.toString()).doesNotContain("nowhere");
    DrillRequest checkout = c.drillTemplates().get("checkout-staging");
    assertThat(checkout.breakWith()).isEqualTo(dev.runbook.workflows.model.DrillBreak.COMMAND);
    assertThat(checkout.toString()).doesNotContain("deploy-broken");

    var specs = c.drillBreaks(Path.of("/etc/runbook"));
    assertThat(specs.get("cart-staging").config()).containsEntry("DATABASE_URL", "postgres://nowhere:1/cart");
    assertThat(specs.get("checkout-staging").command()).containsExactly("./deploy-broken.sh", "checkout");
    assertThat(specs.get("checkout-staging").undo()).containsExactly("./clean.sh");
    assertThat(specs.get("checkout-staging").workDir()).isEqualTo(Path.of("/etc/runbook/ci"));
    assertThat(specs.get("checkout-staging").timeout()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void aBreakThatIsNotExactlyOneKindOrCannotBeRehearsedIsRefusedNamingTheFix() {
    assertThat(problems("""
        drills:
          checkout-staging: {runbook: emergency, break: {version: v1-bad, command: [x]}, detection: health-check, detectionLimit: 5m, sla: 10m}
        """)).singleElement().asString().startsWith("drills.checkout-staging.break: gives 2 breaks: write exactly one of");
    assertThat(problems("""
        drills:
          checkout-staging: {runbook: emergency, break: {config: {LOG_LEVEL: panic}}, detection: health-check, detectionLimit: 5m, sla: 10m}
        """)).containsExactly("drills.checkout-staging.break.config: service 'checkout-staging' has no config section to"
            + " write to: add one under services.checkout-staging.config, or break with a version or a command");
    assertThat(problems("""
        drills:
          checkout-staging: {runbook: emergency, break: {version: v1-bad, undo: [x]}, detection: error-rate, alertLabels: {a: b}, detectionLimit: 5m, sla: 10m}
        """)).containsExactly(
            "drills.checkout-staging.break.undo: is for a command break: remove it, or give break.command",
            "drills.checkout-staging.alertLabels: are for detection: alert: remove them, or detect with alert");
    assertThat(problems("""
        drills:
          staging: {runbook: full, break: {config: {A: b}, service: web-staging}, detection: health-check, detectionLimit: 5m}
        """)).singleElement().asString().startsWith("drills.staging.break.config: a configuration break is rehearsed"
            + " with the emergency runbook");
  }

  @Test
  void theChannelsToldOfADrillsReportMustBeChannelsOfNotify() {
    RunbookConfig c = parse("""
        notify:
          channels:
            ops: {kind: console}
            drills: {kind: console}
          routing: {team: [ops]}
        drills:
          checkout-staging: {runbook: emergency, break: {version: v1-bad}, detection: health-check, detectionLimit: 5m, sla: 10m, notify: [drills]}
        """);
    assertThat(c.drillTemplates().get("checkout-staging").tell()).containsExactly("drills");

    assertThat(problems("""
        notify:
          channels: {ops: {kind: console}}
          routing: {team: [ops]}
        drills:
          checkout-staging: {runbook: emergency, break: {version: v1-bad}, detection: health-check, detectionLimit: 5m, sla: 10m, notify: [pager]}
        """)).containsExactly("drills.checkout-staging.notify: 'pager' is not under notify.channels: name one of ops,"
            + " or leave notify out to tell the team's channels");
  }
}
