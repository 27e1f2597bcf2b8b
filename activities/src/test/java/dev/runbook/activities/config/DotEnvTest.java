package dev.runbook.activities.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DotEnvTest {
  private static final String FILE = "# payments\r\nexport STRIPE_KEY=\"sk_live_1\"\r\n\r\nDATABASE_URL=postgres://db/shop # main\r\n"
      + "IMAGE_TAG=v2\r\nDEBUG='false'\r\nDEBUG=true\r\n";

  @Test
  void readsEveryVariableUnquotedTheLastAssignmentWinning() {
    assertThat(DotEnv.parse(FILE)).containsExactly(
        java.util.Map.entry("STRIPE_KEY", "sk_live_1"),
        java.util.Map.entry("DATABASE_URL", "postgres://db/shop"),
        java.util.Map.entry("IMAGE_TAG", "v2"),
        java.util.Map.entry("DEBUG", "true"));
    assertThat(DotEnv.value(FILE, "DEBUG")).contains("true");
    assertThat(DotEnv.value(FILE, "NOPE")).isEmpty();
  }

  @Test
  void settingAVariableRewritesItsLinesOnlyAndKeepsEveryOtherByte() {
    String changed = DotEnv.with(FILE, "IMAGE_TAG", "v1", true);
    assertThat(changed).isEqualTo(FILE.replace("IMAGE_TAG=v2\r", "IMAGE_TAG=v1\r"));
    assertThat(DotEnv.with(FILE, "NEW_FLAG", "on", true)).isEqualTo(FILE + "NEW_FLAG=on\n");
    assertThat(DotEnv.with(FILE, "NEW_FLAG", "on", false)).isEqualTo(FILE);
    assertThat(DotEnv.with(FILE, "STRIPE_KEY", "x", false)).contains("\r\nexport STRIPE_KEY=x\r\n");
  }
}
