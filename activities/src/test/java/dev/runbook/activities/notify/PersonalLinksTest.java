package dev.runbook.activities.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.runbook.activities.Secret;
import dev.runbook.activities.support.TestStore;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.Audience;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import dev.runbook.workflows.activities.NotifyActivities.NotifyResult;
import dev.runbook.workflows.policy.ConsoleLink;
import dev.runbook.workflows.policy.Signed;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * One-time console links in approval requests, over real webhooks: only a channel that reaches
 * one person who holds an asked-for role gets one, a shared channel never does, and the link stays
 * out of the activity's result (the run's history) and the console output.
 */
class PersonalLinksTest {
  private static final String SECRET = "notify-console-secret-0123456789abcdef";
  private static final Instant NOW = Instant.parse("2026-11-27T07:00:00Z");
  private static final Pattern LINK = Pattern.compile("https://runbook\\.example\\.com/console/l/([A-Za-z0-9_.-]+)");

  private final ByteArrayOutputStream console = new ByteArrayOutputStream();

  private NotifyActivitiesImpl notifier(HikariDataSource db, Map<String, ChannelSettings> channels) {
    NotifySettings settings = new NotifySettings(channels,
        new Routing(Routing.Route.of(List.copyOf(channels.keySet())), null, null));
    PersonalLinks links = new PersonalLinks(SECRET, "https://runbook.example.com", Duration.ofMinutes(30),
        Map.of("bob", List.of("engineering-lead"), "dave", List.of("on-call"), "alice", List.of("engineering-lead")),
        Clock.fixed(NOW, ZoneOffset.UTC));
    return new NotifyActivitiesImpl(settings, new JdbcDeliveryLog(db), new InMemoryStatuspageIncidents(),
        new PrintStream(console, true, StandardCharsets.UTF_8), JsonPost.defaultClient(), links);
  }

  private static Notification approvalRequested(String key) {
    return Samples.to(Samples.notification(NotificationKind.APPROVAL_REQUESTED, key, null, null),
        Audience.APPROVERS, "engineering-lead,engineering-manager");
  }

  @Test
  void onlyTheChannelThatReachesAnApproverAloneCarriesTheirLinkAndTheResultDoesNot() throws Exception {
    try (HikariDataSource db = TestStore.fresh();
        RecordingServer bobsPager = RecordingServer.answering("/bob", 200, "ok");
        RecordingServer team = RecordingServer.answering("/team", 200, "ok");
        RecordingServer davesPager = RecordingServer.answering("/dave", 200, "ok")) {
      Map<String, ChannelSettings> channels = new LinkedHashMap<>();
      channels.put("bob", ChannelSettings.webhook(bobsPager.url("/bob"), null).forPerson("bob"));
      channels.put("team", ChannelSettings.webhook(team.url("/team"), null));
      channels.put("dave", ChannelSettings.webhook(davesPager.url("/dave"), null).forPerson("dave"));
      channels.put("local", ChannelSettings.console());
      NotifyActivitiesImpl notifier = notifier(db, channels);

      NotifyResult result = notifier.send(approvalRequested("k-approval"));

      assertThat(result.deliveredTo()).containsExactly("bob", "team", "dave", "local");
      String toBob = bobsPager.received().get(0).body();
      Matcher m = LINK.matcher(toBob);
      assertThat(m.find()).as(toBob).isTrue();
      assertThat(toBob).contains("Approve or reject: https://runbook.example.com/console/l/");
      ConsoleLink link = ConsoleLink.parse(new Signed(SECRET), m.group(1));
      assertThat(link.workflowId()).isEqualTo(Samples.RUN);
      assertThat(link.person()).isEqualTo("bob");
      assertThat(link.expiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(30)));

      assertThat(team.received().get(0).body()).doesNotContain("/console/l/");
      assertThat(davesPager.received().get(0).body()).as("dave lacks the role").doesNotContain("/console/l/");
      assertThat(console.toString(StandardCharsets.UTF_8)).doesNotContain("/console/l/");
      assertThat(String.join("\n", result.planned())).doesNotContain("/console/l/")
          .contains("with a one-time console link for bob");

      // Run twice: the second send delivers nothing new, so no second link is minted.
      NotifyResult again = notifier.send(approvalRequested("k-approval"));
      assertThat(again.deliveredTo()).isEmpty();
      assertThat(again.skipped()).containsExactly("bob", "team", "dave", "local");
      assertThat(bobsPager.received()).hasSize(1);
    }
  }

  @Test
  void theRequesterAndOtherKindsOfMessageGetNoLink() throws Exception {
    try (HikariDataSource db = TestStore.fresh();
        RecordingServer alicesPager = RecordingServer.answering("/alice", 200, "ok");
        RecordingServer bobsPager = RecordingServer.answering("/bob", 200, "ok")) {
      Map<String, ChannelSettings> channels = new LinkedHashMap<>();
      channels.put("alice", ChannelSettings.webhook(alicesPager.url("/alice"), null).forPerson("alice"));
      channels.put("bob", ChannelSettings.webhook(bobsPager.url("/bob"), null).forPerson("bob"));
      NotifyActivitiesImpl notifier = notifier(db, channels);

      notifier.send(approvalRequested("k-1"));
      notifier.send(Samples.started("k-2"));

      assertThat(alicesPager.received()).hasSize(2).allSatisfy(r -> assertThat(r.body()).doesNotContain("/console/l/"));
      assertThat(bobsPager.received().get(0).body()).contains("/console/l/");
      assertThat(bobsPager.received().get(1).body()).doesNotContain("/console/l/");
    }
  }

  @Test
  void aConsoleOrStatusPageChannelCannotNameAPerson() {
    assertThat(ChannelSettings.console().forPerson("bob").problems("notify.channels.local"))
        .anyMatch(p -> p.startsWith("notify.channels.local.person: a console channel cannot carry"));
    assertThat(ChannelSettings.statuspage(null, "kctbh9vrtdwd", Secret.of("key"), Map.of()).forPerson("bob")
        .problems("notify.channels.status")).anyMatch(p -> p.contains("the status page is public"));
    assertThat(ChannelSettings.webhook(Secret.of("https://pager.example/hook"), null).forPerson("Bob Smith")
        .problems("notify.channels.pager")).anyMatch(p -> p.contains("is not a person's name"));
  }
}
