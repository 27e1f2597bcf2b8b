package dev.runbook.activities.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Setting one variable of an env file leaves every other byte where it was. */
class EnvFileTest {
  @TempDir Path dir;

  private Path file(String text) throws Exception {
    Path f = dir.resolve(".env");
    Files.writeString(f, text, StandardCharsets.UTF_8);
    return f;
  }

  @Test
  void rewritesOnlyTheVariablesLine() throws Exception {
    Path f = file("A=1\r\nexport IMAGE_TAG=\"v2\"\r\n# IMAGE_TAG=v0 is a comment\r\nB=2");
    assertThat(EnvFile.read(f, "IMAGE_TAG")).contains("v2");

    assertThat(EnvFile.write(f, "IMAGE_TAG", "v1")).isTrue();

    assertThat(Files.readString(f))
        .isEqualTo("A=1\r\nexport IMAGE_TAG=v1\r\n# IMAGE_TAG=v0 is a comment\r\nB=2");
    assertThat(EnvFile.write(f, "IMAGE_TAG", "v1")).as("already set").isFalse();
  }

  @Test
  void appendsTheVariableWhenTheFileLacksIt() throws Exception {
    Path f = file("A=1");
    EnvFile.write(f, "IMAGE_TAG", "v3");
    assertThat(Files.readString(f)).isEqualTo("A=1\nIMAGE_TAG=v3\n");
    assertThat(EnvFile.read(f, "IMAGE_TAG")).contains("v3");
  }

  @Test
  void readsTheLastAssignmentWithoutQuotesOrComments() throws Exception {
    Path f = file("IMAGE_TAG=v1\nIMAGE_TAG_OLD=v0\nIMAGE_TAG = 'v4' \nOTHER=x # c\n");
    assertThat(EnvFile.read(f, "IMAGE_TAG")).contains("v4");
    assertThat(EnvFile.read(f, "OTHER")).contains("x");
    assertThat(EnvFile.read(f, "MISSING")).isEmpty();
  }
}
