package dev.runbook.workflows.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleLinkTest {
  private static final Signed KEYS = new Signed("a-console-secret-of-enough-length-0123456789");
  private static final Instant EXPIRES = Instant.parse("2026-11-27T08:00:00Z");

  @Test
  void aMintedLinkReadsBackWithTheSameKeysAndADistinctNonce() {
    ConsoleLink link = ConsoleLink.mint("rollback-api", "alice", EXPIRES);
    assertThat(ConsoleLink.parse(KEYS, link.token(KEYS))).isEqualTo(link);
    assertThat(ConsoleLink.mint("rollback-api", "alice", EXPIRES).nonce()).isNotEqualTo(link.nonce());
    assertThat(link.url("https://runbook.example.com/", KEYS))
        .startsWith("https://runbook.example.com/console/l/").endsWith(link.token(KEYS));
  }

  @Test
  void anAlteredForeignOrOtherPurposeValueIsNotALink() {
    String token = ConsoleLink.mint("rollback-api", "alice", EXPIRES).token(KEYS);
    String forBob = ConsoleLink.mint("rollback-api", "bob", EXPIRES).token(KEYS);
    String spliced = forBob.substring(0, forBob.indexOf('.')) + token.substring(token.indexOf('.'));
    assertThat(ConsoleLink.parse(KEYS, spliced)).isNull();
    assertThat(ConsoleLink.parse(new Signed("another-secret-of-enough-length-0123456789"), token)).isNull();
    assertThat(ConsoleLink.parse(KEYS, KEYS.sign("session", List.of("rollback-api", "alice", "1", "n")))).isNull();
    assertThat(ConsoleLink.parse(KEYS, token.substring(0, token.length() - 2))).isNull();
    assertThat(ConsoleLink.parse(KEYS, "not a token")).isNull();
  }

  @Test
  void aShortSecretIsRefusedNamingTheMinimum() {
    assertThatThrownBy(() -> new Signed("short"))
        .hasMessageContaining("at least " + Signed.MIN_SECRET);
  }
}
