package dev.runbook.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.activities.notify.ChannelSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The example's commented status page and webhook channels, uncommented as a person would, load
 * and say what they should; a template naming an unknown placeholder is refused at load.
 */
class NotifyExampleTest {
  private static final Map<String, String> ENV = Map.of(
      "STATUSPAGE_PAGE_ID", "kctbh9vrtdwd",
      "STATUSPAGE_API_KEY", "sp-key-0a1b2c3d",
      "INCIDENT_BOT_URL", "https://bot.example.com/hook",
      "INCIDENT_BOT_KEY", "bot-key-9f8e7d6c");

  /** The example with the commented channels under notify.channels uncommented. */
  private static String uncommented() throws Exception {
    String text = Files.readString(Path.of("..", "runbook.example.yaml"));
    int from = text.indexOf("\nnotify:\n");
    int to = text.indexOf("\n  routing:", from);
    String channels = text.substring(from, to).replaceAll("(?m)^    # ", "    ");
    return text.substring(0, from) + channels + text.substring(to);
  }

  @Test
  void theCommentedStatusPageAndWebhookLoadWhenUncommented() throws Exception {
    RunbookConfig c = ConfigLoader.parse(uncommented(), "runbook.example.yaml", ENV::get);

    ChannelSettings status = c.notifications().channels().get("status");
    assertThat(status.kind()).isEqualTo("statuspage");
    assertThat(status.kinds()).containsExactly("STARTED", "RESOLVED");
    assertThat(status.pageId()).isEqualTo("kctbh9vrtdwd");
    assertThat(status.apiKey().reveal()).isEqualTo("sp-key-0a1b2c3d");
    assertThat(status.components()).containsEntry("checkout", "8kbf7d35c070");
    assertThat(status.templates().get("RESOLVED").body())
        .startsWith("Resolved: we rolled back a recent deployment that caused {reason}.");
    ChannelSettings bot = c.notifications().channels().get("incident-bot");
    assertThat(bot.body()).startsWith("{\"summary\": \"{title}\"");
    assertThat(bot.headers().get("X-Bot-Key").reveal()).isEqualTo("bot-key-9f8e7d6c");
  }

  @Test
  void anUnknownPlaceholderOrKindIsRefusedAtLoadNamingTheKnownOnesAndNoSecret() throws Exception {
    String yaml = uncommented()
        .replace("caused {reason}.", "caused {cause}.")
        .replace("kinds: [STARTED, RESOLVED]\n", "kinds: [STARTED, RESOLVE]\n");
    assertThatThrownBy(() -> ConfigLoader.parse(yaml, "runbook.yaml", ENV::get))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          List<String> problems = e.problems();
          assertThat(problems).contains(
              "notify.channels.status.templates.RESOLVED.body: unknown placeholder(s) {cause}:"
                  + " use {service}, {services}, {severity}, {reason}, {requestedBy},"
                  + " {workflowId}, {duration}, {durationMinutes}, {eta}, {detail},"
                  + " {incidentId}, {runbook}, {kind}");
          assertThat(problems).anyMatch(p -> p.startsWith(
              "notify.channels.status.kinds[1]: 'RESOLVE' is not a kind of message: use STARTED,"));
          assertThat(e.getMessage()).doesNotContain("sp-key-0a1b2c3d", "bot-key-9f8e7d6c");
        });
  }

  @Test
  void aDrillNamingAChannelThatDoesNotTakeItsReportIsRefused() throws Exception {
    String yaml = uncommented().replace("notify: [incidents]", "notify: [status]");
    assertThatThrownBy(() -> ConfigLoader.parse(yaml, "runbook.yaml", ENV::get))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).anyMatch(p ->
            p.matches("drills\\.[a-z-]+\\.notify: 'status' is limited by"
                + " notify\\.channels\\.status\\.kinds, which leaves out DRILL_REPORT: add it"
                + " there or name another channel")));
  }
}
