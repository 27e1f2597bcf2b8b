package dev.runbook.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** api.console and the channels that reach one person, as runbook.yaml gives them. */
class ConsoleConfigTest {
  private static final String SECRET = "console-secret-from-the-environment-0123456789";

  @Test
  void theConsoleSectionIsReadWithItsSecretFromTheEnvironmentAndLinksNeedBoth() {
    RunbookConfig c = ConfigLoader.parse("""
        api:
          console: {secret: "${RUNBOOK_CONSOLE_SECRET}", url: "https://runbook.example.com", linkTtl: 15m}
        """, "runbook.yaml", Map.of("RUNBOOK_CONSOLE_SECRET", SECRET)::get);

    var console = c.apiSettings().console();
    assertThat(console.secret()).isEqualTo(SECRET);
    assertThat(console.linkTtl()).isEqualTo(Duration.ofMinutes(15));
    assertThat(console.sessionTtl()).isEqualTo(Duration.ofHours(12));
    assertThat(console.linksEnabled()).isTrue();
    assertThat(console.toString()).doesNotContain(SECRET);
    assertThat(RunbookConfig.defaults().apiSettings().console().linksEnabled()).isFalse();
  }

  @Test
  void aShortSecretAUrlWithoutASecretAndAPersonalChannelWithoutLinksAreRefused() {
    assertThatThrownBy(() -> ConfigLoader.parse("""
        api:
          console: {secret: "too-short", linkTtl: 3d}
        """, "runbook.yaml", Map.<String, String>of()::get))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("api.console.secret: is too short: use at least 32 random characters")
        .hasMessageContaining("api.console.linkTtl: 4320m is out of range");
    assertThatThrownBy(() -> ConfigLoader.parse("""
        api:
          console: {url: "https://runbook.example.com"}
        """, "runbook.yaml", Map.<String, String>of()::get))
        .hasMessageContaining("api.console.url: one-time links need a shared secret too");
    assertThatThrownBy(() -> ConfigLoader.parse("""
        people:
          - {name: bob, roles: [engineering-lead, engineering-manager]}
        notify:
          channels:
            bob: {kind: webhook, url: "https://pager.example/bob", person: bob}
            carol: {kind: webhook, url: "https://pager.example/carol", person: carol}
          routing: {approvers: [bob, carol], team: [bob]}
        """, "runbook.yaml", Map.<String, String>of()::get))
        .hasMessageContaining("notify.channels.bob.person: one-time links need api.console.secret and api.console.url")
        .hasMessageContaining("notify.channels.carol.person: 'carol' is not under people");
  }

  @Test
  void theCliLoadsAPersonalChannelWithoutTheServersSecretAndAWorkerWithoutItIsToldWhichVariable() {
    String yaml = """
        people:
          - {name: bob, roles: [engineering-lead, engineering-manager]}
        api:
          console: {secret: "${RUNBOOK_CONSOLE_SECRET}", url: "https://runbook.example.com"}
        notify:
          channels:
            bob: {kind: webhook, url: "https://pager.example/bob", person: bob}
          routing: {approvers: [bob], team: [bob]}
        """;
    RunbookConfig cli = ConfigLoader.parse(yaml, "runbook.yaml", Map.<String, String>of()::get, false);
    assertThat(cli.apiSettings().console().linksEnabled()).isFalse();
    assertThatThrownBy(() -> ConfigLoader.parse(yaml, "runbook.yaml", Map.<String, String>of()::get, true))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("RUNBOOK_CONSOLE_SECRET")
        .hasMessageNotContaining("notify.channels.bob.person");
  }
}
