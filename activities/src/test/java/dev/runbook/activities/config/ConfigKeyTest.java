package dev.runbook.activities.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The workers' key: sealing, opening, keyed hashes, and what a bad key is told. */
class ConfigKeyTest {
  private final ConfigKey key = ConfigKey.parse(ConfigKey.newKey());

  @Test
  void whatIsSealedOpensWithTheSameKeyForTheSameSnapshotOnly() {
    byte[] plain = "STRIPE_KEY=sk_live_51HxYz".getBytes(StandardCharsets.UTF_8);
    byte[] sealed = key.seal(plain, "cfg-0123456789ab");

    assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("sk_live_51HxYz");
    assertThat(key.open(sealed, "cfg-0123456789ab")).isEqualTo(plain);
    assertThat(key.seal(plain, "cfg-0123456789ab")).as("a fresh nonce each time").isNotEqualTo(sealed);
    assertThatThrownBy(() -> key.open(sealed, "cfg-ba9876543210"))
        .hasMessage("the snapshot cfg-ba9876543210 does not open with key " + key.id()
            + ": it was sealed with another key, or changed since");
    ConfigKey other = ConfigKey.parse(ConfigKey.newKey());
    assertThatThrownBy(() -> other.open(sealed, "cfg-0123456789ab")).hasMessageContaining("does not open with key");
    sealed[sealed.length - 1] ^= 1;
    assertThatThrownBy(() -> key.open(sealed, "cfg-0123456789ab")).hasMessageContaining("changed since");
  }

  @Test
  void shortHashesAreKeyedStableAndTellNamesApart() {
    assertThat(key.shortHash("DEBUG", "true")).hasSize(8).isEqualTo(key.shortHash("DEBUG", "true"))
        .isNotEqualTo(key.shortHash("VERBOSE", "true"))
        .isNotEqualTo(ConfigKey.parse(ConfigKey.newKey()).shortHash("DEBUG", "true"));
    assertThat(key.hash("a", "bc")).isNotEqualTo(key.hash("ab", "c"));
  }

  @Test
  void aBadKeyIsNamedWithHowToMakeOneAndNeverShown() {
    String shortKey = Base64.getEncoder().encodeToString("only sixteen byt".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> ConfigKey.parse(shortKey))
        .hasMessage("RUNBOOK_CONFIG_KEY holds 16 bytes, not 32: make one with `runbook key new` and give every"
            + " worker the same RUNBOOK_CONFIG_KEY")
        .message().doesNotContain(shortKey);
    assertThatThrownBy(() -> ConfigKey.parse("not base64 at all!"))
        .hasMessageStartingWith("RUNBOOK_CONFIG_KEY is not base64: make one with `runbook key new`");
    assertThat(key.toString()).isEqualTo("ConfigKey[" + key.id() + "]").matches("ConfigKey\\[k[0-9a-f]{8}]");
  }
}
