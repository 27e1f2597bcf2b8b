package dev.runbook.activities.notify;

import static dev.runbook.activities.notify.Samples.notification;
import static dev.runbook.activities.notify.Samples.started;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.runbook.activities.Secret;
import dev.runbook.workflows.activities.Audience;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import dev.runbook.workflows.activities.NotifyActivities.NotifyResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Channels limited to kinds of message, and channels with their own wording per kind. */
class MessageShapingTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private NotifyActivitiesImpl notifier(Map<String, ChannelSettings> channels, Routing routing) {
    return new NotifyActivitiesImpl(new NotifySettings(channels, routing),
        new InMemoryDeliveryLog(), new PrintStream(out, true, StandardCharsets.UTF_8),
        JsonPost.defaultClient());
  }

  private static Map<String, ChannelSettings> allAndStartedResolved() {
    Map<String, ChannelSettings> channels = new LinkedHashMap<>();
    channels.put("all", ChannelSettings.console());
    channels.put("public", ChannelSettings.console().onlyFor(List.of("STARTED", "resolved")));
    return channels;
  }

  private static Routing everyAudienceTo(String... names) {
    Routing.Route route = Routing.Route.of(List.of(names));
    return new Routing(route, route, route);
  }

  @Test
  void durationMinutesAreWholeMinutesRoundedUpSoAShortRollbackIsNeverZero() {
    assertThat(Placeholders.minutes(java.time.Duration.ofMillis(400))).isEqualTo(1);
    assertThat(Placeholders.minutes(java.time.Duration.ofSeconds(40))).isEqualTo(1);
    assertThat(Placeholders.minutes(java.time.Duration.ofSeconds(60))).isEqualTo(1);
    assertThat(Placeholders.minutes(java.time.Duration.ofSeconds(61))).isEqualTo(2);
    assertThat(Placeholders.minutes(java.time.Duration.ofMinutes(12))).isEqualTo(12);
    assertThat(Placeholders.minutes(java.time.Duration.ZERO)).isZero();
  }

  @Test
  void aChannelLimitedToKindsGetsOnlyThoseWhicheverRouteOrDrillNamesIt() {
    NotifyActivitiesImpl notifier =
        notifier(allAndStartedResolved(), everyAudienceTo("all", "public"));

    NotifyResult start = notifier.send(started("k-start"));
    NotifyResult approval = notifier.send(Samples.to(
        notification(NotificationKind.APPROVAL_REQUESTED, "k-ask", null, null),
        Audience.APPROVERS, "engineering-lead"));
    NotifyResult escalated = notifier.send(Samples.to(
        notification(NotificationKind.ESCALATED, "k-esc", null, Duration.ofMinutes(15)),
        Audience.ESCALATION, "1"));
    NotifyResult resolved = notifier.send(
        notification(NotificationKind.RESOLVED, "k-done", "api 1.4.0 -> 1.3.2", Duration.ofMinutes(12)));
    Notification failed = notification(NotificationKind.FAILED, "k-fail", "boom", null);
    NotifyResult named = notifier.send(new Notification(failed.key(), failed.kind(),
        failed.audience(), null, failed.workflowId(), failed.runbook(), failed.severity(),
        failed.services(), failed.reason(), failed.requestedBy(), failed.incidentId(),
        failed.detail(), null, null, false, null, null, List.of("public", "all")));

    assertThat(start.deliveredTo()).containsExactly("all", "public");
    assertThat(approval.deliveredTo()).containsExactly("all");
    assertThat(escalated.deliveredTo()).containsExactly("all");
    assertThat(resolved.deliveredTo()).containsExactly("all", "public");
    assertThat(named.deliveredTo()).as("a message naming its channels still respects kinds")
        .containsExactly("all");
  }

  @Test
  void aDryRunPlansOnlyForTheChannelsTheKindReaches() {
    NotifyResult plan = notifier(allAndStartedResolved(), everyAudienceTo("all", "public"))
        .send(Samples.dryRun(notification(NotificationKind.APPROVED, "k", "ok", null)));
    assertThat(plan.planned()).hasSize(1);
    assertThat(plan.planned().get(0)).endsWith("to console channel 'all'");
  }

  @Test
  void aChannelTemplateWordsItsKindAndLeavesTheOthersAsTheyWere() {
    Map<String, ChannelSettings> channels = new LinkedHashMap<>();
    channels.put("ops", ChannelSettings.console().withTemplates(Map.of("RESOLVED", new KindTemplate(
        "{services} back on the last good version ({severity})",
        "{requestedBy} rolled back {service} in {duration} ({durationMinutes} min, run"
            + " {workflowId}, {runbook}, incident {incidentId}): {reason}. {detail}. ETA was"
            + " {eta}. {kind}"))));
    NotifyActivitiesImpl notifier = notifier(channels, everyAudienceTo("ops"));

    NotifyResult r = notifier.send(notification(NotificationKind.RESOLVED, "k-done",
        "1.4.0 -> 1.3.2", Duration.ofSeconds(12 * 60 + 5)));
    notifier.send(started("k-start"));

    assertThat(r.planned()).containsExactly(
        "sent RESOLVED \"api back on the last good version (P1)\" to console channel 'ops'");
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(printed).contains("=== api back on the last good version (P1) ===\n"
        + "alice rolled back api in 12m5s (13 min, run rollback-api, emergency, incident INC-42):"
        + " error rate 12% after deploy 1.4.0. 1.4.0 -> 1.3.2. ETA was 10m. RESOLVED\n");
    assertThat(printed).as("STARTED has no template: the default text")
        .contains("=== ROLLBACK IN PROGRESS: api (P1) ===");
  }

  @Test
  void kindsAndTemplatesAreCheckedAtLoadNamingTheKnownNames() {
    Map<String, ChannelSettings> channels = new LinkedHashMap<>();
    channels.put("ops", ChannelSettings.console()
        .onlyFor(List.of("STARTED", "STARTD"))
        .withTemplates(Map.of(
            "RESOLVD", new KindTemplate("x", null),
            "RESOLVED", new KindTemplate("{services} {token}", "{apiKey} {reason}"),
            "FAILED", new KindTemplate(" ", null))));
    List<String> problems = new NotifySettings(channels, everyAudienceTo("ops")).problems("notify");

    String kinds = ChannelChecks.knownKinds();
    assertThat(kinds).startsWith("STARTED, ARMED, DISARMED, APPROVAL_REQUESTED").contains("RESOLVED");
    String placeholders = "{service}, {services}, {severity}, {reason}, {requestedBy},"
        + " {workflowId}, {duration}, {durationMinutes}, {eta}, {detail}, {incidentId},"
        + " {runbook}, {kind}";
    assertThat(problems).containsExactlyInAnyOrder(
        "notify.channels.ops.kinds[1]: 'STARTD' is not a kind of message: use " + kinds,
        "notify.channels.ops.templates.RESOLVD: not a kind of message: use " + kinds,
        "notify.channels.ops.templates.RESOLVED.title: unknown placeholder(s) {token}: use "
            + placeholders,
        "notify.channels.ops.templates.RESOLVED.body: unknown placeholder(s) {apiKey}: use "
            + placeholders,
        "notify.channels.ops.templates.FAILED: empty: set title, body or both, or remove it to"
            + " keep the default texts",
        "notify.routing.team: every channel in it is limited by kinds, so ARMED, DISARMED,"
            + " APPROVAL_REQUESTED, ESCALATED, APPROVED, REJECTED, NEEDS_DECISION, RESOLVED, REPORT,"
            + " REGRESSION, RECOVERED, COMPENSATED, TIMED_OUT, ABORTED, CANCELLED, REFUSED,"
            + " FAILED, DRILL_REPORT, CHECKLIST_REMINDER, CHECKLIST_OVERDUE, CHECKLIST_DONE,"
            + " CHECKLIST_CLOSED would reach nobody: add a channel without kinds to routing.team");
  }

  @Test
  void kindsAndTemplatesReadFromConfiguration() throws Exception {
    String json = """
        {"kind": "console", "kinds": ["STARTED", "RESOLVED"],
         "templates": {"RESOLVED": {"title": "Resolved: {services}"}}}
        """;
    ChannelSettings c = new ObjectMapper().registerModule(new JavaTimeModule())
        .readValue(json, ChannelSettings.class);
    assertThat(c.problems("notify.channels.ops")).isEmpty();
    assertThat(c.accepts(NotificationKind.RESOLVED)).isTrue();
    assertThat(c.accepts(NotificationKind.FAILED)).isFalse();
    assertThat(c.kindTemplates()).containsOnlyKeys(NotificationKind.RESOLVED);
  }

  @Test
  void statuspageSettingsAreCheckedWithoutQuotingTheKey() {
    ChannelSettings bad = new ChannelSettings("statuspage", Secret.of("not a url"),
        Secret.of("tok-1234567"), null, null, null, null, null, null, null, null, null, null,
        "{\"a\": 1}", null, "page/1", Secret.of(""), Map.of("api", "bad id"));
    assertThat(bad.problems("notify.channels.status")).containsExactlyInAnyOrder(
        "notify.channels.status.url: not a valid http(s) URL: leave it out to use"
            + " https://api.statuspage.io/v1",
        "notify.channels.status.pageId: 'page/1' is not a page ID: copy it from the page's API"
            + " info (letters and digits)",
        "notify.channels.status.apiKey: missing: set it from an environment variable, e.g."
            + " ${STATUSPAGE_API_KEY} (Statuspage: your avatar > API info)",
        "notify.channels.status.components.api: 'bad id' is not a component ID: copy it from the"
            + " component's page (letters and digits)",
        "notify.channels.status.token: not used by a statuspage channel: remove it",
        "notify.channels.status.body: not used by a statuspage channel: remove it");
    ChannelSettings good = ChannelSettings.statuspage(null, "kctbh9vrtdwd",
        Secret.of("sp-key-1234"), Map.of("api", "cmpapi01"));
    assertThat(good.problems("notify.channels.status")).isEmpty();
  }
}
