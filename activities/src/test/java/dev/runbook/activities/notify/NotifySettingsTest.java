package dev.runbook.activities.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.runbook.activities.Secret;
import dev.runbook.workflows.activities.Audience;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotifySettingsTest {
  private static final String SLACK_URL = "https://hooks.slack.com/services/T01/B02/s3cr3tT0ken";

  private static NotifySettings settings(Map<String, ChannelSettings> channels, Routing routing) {
    return new NotifySettings(channels, routing);
  }

  private static Routing team(String... names) {
    return new Routing(Routing.Route.of(List.of(names)), null, null);
  }

  @Test
  void aCompleteConfigurationReadsFromJsonWithTheShortRouteFormAndHasNoProblems()
      throws Exception {
    // The same tree the worker reads from runbook.yaml.
    String json = """
        {"channels": {
           "ops":   {"kind": "slack", "url": "%s", "timeout": "PT5S"},
           "pager": {"kind": "webhook", "url": "https://pager.example/hook", "token": "tok-123456"},
           "leads": {"kind": "email", "host": "smtp.example", "port": 587,
                     "from": "Runbook <runbook@example.com>", "to": ["lead@example.com"],
                     "user": "runbook", "password": "pw-123456", "startTls": true},
           "local": {"kind": "console"}},
         "routing": {
           "team": ["ops", "local"],
           "approvers": {"channels": ["ops"], "byTarget": {"engineering-lead": ["leads"]}},
           "escalation": ["pager", "ops"]}}
        """.formatted(SLACK_URL);
    ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule())
        .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);
    NotifySettings s = mapper.readValue(json, NotifySettings.class);

    assertThat(s.problems("notify")).isEmpty();
    assertThat(s.channels().get("ops").url()).isEqualTo(Secret.of(SLACK_URL));
    assertThat(s.channels().get("ops").timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.channels().keySet()).containsExactly("ops", "pager", "leads", "local");
    assertThat(s.routing().channelsFor(Audience.TEAM, null)).containsExactly("ops", "local");
    assertThat(s.routing().channelsFor(Audience.APPROVERS, "engineering-lead"))
        .containsExactly("leads");
    assertThat(s.routing().channelsFor(Audience.APPROVERS, "engineering-manager"))
        .as("a role without its own channels uses the audience's").containsExactly("ops");
    assertThat(s.routing().channelsFor(Audience.ESCALATION, "1")).containsExactly("pager", "ops");
    // Secrets stay masked when the settings are printed or serialized.
    assertThat(s.toString()).doesNotContain("s3cr3tT0ken", "tok-123456", "pw-123456");
    assertThat(mapper.writeValueAsString(s)).doesNotContain("s3cr3tT0ken", "pw-123456");
  }

  @Test
  void anAudienceWithoutARouteFallsBackToTheTeam() {
    Routing r = team("ops", "ops", "local");
    assertThat(r.channelsFor(Audience.APPROVERS, "engineering-lead"))
        .containsExactly("ops", "local");
    assertThat(r.channelsFor(Audience.ESCALATION, null)).containsExactly("ops", "local");
    assertThat(r.channelsFor(null, null)).containsExactly("ops", "local");
  }

  @Test
  void anUnknownKindNamesThePathAndTheKnownKinds() {
    NotifySettings s = settings(
        Map.of("ops", new ChannelSettings("slak", Secret.of(SLACK_URL), null, null, null, null,
            null, null, null, null, null)),
        team("ops"));
    assertThat(s.problems("notify")).containsExactly(
        "notify.channels.ops.kind: unknown kind 'slak': use slack, webhook, email, console or statuspage");
  }

  @Test
  void aBadSlackUrlIsReportedWithoutQuotingIt() {
    NotifySettings s = settings(
        Map.of("ops", ChannelSettings.slack(Secret.of("hooks.slack.com/services/T01/s3cr3tT0ken")),
            "web", ChannelSettings.webhook(null, Secret.of(""))),
        team("ops", "web"));
    List<String> problems = s.problems("notify");
    assertThat(problems).anyMatch(p -> p.startsWith("notify.channels.ops.url: not a valid http(s) URL"));
    assertThat(problems).anyMatch(p -> p.startsWith("notify.channels.web.url: missing"));
    assertThat(problems).anyMatch(p -> p.startsWith("notify.channels.web.token: is empty"));
    assertThat(String.join("\n", problems)).doesNotContain("s3cr3tT0ken");
  }

  @Test
  void emailProblemsNameEachFieldAndTheFix() {
    ChannelSettings mail = new ChannelSettings("email", Secret.of(SLACK_URL), null, " ", 70000,
        "not an address", List.of("ok@example.com", "nope"), "runbook", null, null, null);
    List<String> problems = settings(Map.of("mail", mail), team("mail")).problems("notify");
    assertThat(problems).containsExactlyInAnyOrder(
        "notify.channels.mail.host: missing: set it to the SMTP server's host name",
        "notify.channels.mail.port: 70000 is not a port: use 1-65535 (587 for STARTTLS"
            + " submission, 25 for plain SMTP)",
        "notify.channels.mail.from: 'not an address' is not an email address: write it like"
            + " runbook@example.com or 'Runbook <runbook@example.com>'",
        "notify.channels.mail.to[1]: 'nope' is not an email address: write it like"
            + " oncall@example.com",
        "notify.channels.mail.password: missing: SMTP login needs both user and password, or"
            + " neither",
        "notify.channels.mail.url: not used by an email channel: remove it");
  }

  @Test
  void routingToAnUnknownChannelOrWithoutATeamRouteIsAProblem() {
    Map<String, ChannelSettings> channels = new LinkedHashMap<>();
    channels.put("ops", ChannelSettings.console());
    channels.put("leads", ChannelSettings.console());
    NotifySettings noTeam = settings(channels, new Routing(null,
        new Routing.Route(List.of("opps"), Map.of("engineering-lead", List.of())), null));
    assertThat(noTeam.problems("notify")).containsExactly(
        "notify.routing.team: no channels: list the channels every message falls back to,"
            + " e.g. [ops, leads]",
        "notify.routing.approvers.channels[0]: no channel named 'opps': use one of ops, leads"
            + " or add it under notify.channels",
        "notify.routing.approvers.byTarget.engineering-lead: no channels: list at least one or"
            + " remove the target to use notify.routing.approvers.channels");
    assertThat(settings(channels, null).problems("notify")).containsExactly(
        "notify.routing: missing: set routing.team to the channels every message goes to,"
            + " e.g. team: [ops, leads]");
  }

  @Test
  void noChannelsBadNamesAndTimeoutsAreProblems() {
    assertThat(settings(Map.of(), team()).problems("notify"))
        .contains("notify.channels: none configured: add at least one, e.g."
            + " console: {kind: console}");
    NotifySettings s = settings(
        Map.of("ops.team", ChannelSettings.slack(Secret.of(SLACK_URL))
            .withTimeout(Duration.ofHours(1))),
        team("ops.team"));
    assertThat(s.problems("notify")).containsExactlyInAnyOrder(
        "notify.channels.ops.team: the name may use letters, digits, '-' and '_' only: rename it",
        "notify.channels.ops.team.timeout: must be between 1ms and 5m: a delivery that takes"
            + " longer blocks the run; 10s is the default");
  }

  @Test
  void theConsoleDefaultIsValid() {
    assertThat(NotifySettings.console().problems("notify")).isEmpty();
    assertThat(NotifySettings.console().routing().channelsFor(Audience.ESCALATION, "2"))
        .containsExactly("console");
  }
}
