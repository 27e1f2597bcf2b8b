package dev.runbook.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The image's Dockerfile, checked statically (no Docker engine runs the tests). */
class DockerfileTest {
  private static final Path ROOT = Path.of("..");

  private static List<String> instructions() throws Exception {
    String text = Files.readString(ROOT.resolve("Dockerfile")).replace("\\\n", " ");
    return text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
  }

  @Test
  void buildsWithTheMavenWrapperInAStageOfItsOwnOnPinnedBases() throws Exception {
    List<String> from = instructions().stream().filter(l -> l.startsWith("FROM ")).toList();
    assertThat(from).hasSize(2);
    assertThat(from.get(0)).matches("FROM eclipse-temurin:17-jdk-[a-z]+ AS build");
    assertThat(from.get(1)).matches("FROM eclipse-temurin:17-jre-[a-z]+");
    assertThat(instructions()).anyMatch(l -> l.startsWith("RUN ./mvnw ") && l.contains("-pl worker -am package"));
    assertThat(instructions()).anyMatch(l -> l.startsWith("COPY --from=build "));
  }

  @Test
  void runsAsANonRootUserWithAHealthcheck() throws Exception {
    List<String> lines = instructions();
    int user = lines.indexOf(lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow());
    assertThat(lines.get(user)).isNotIn("USER root", "USER 0");
    assertThat(lines.subList(user, lines.size())).noneMatch(l -> l.startsWith("RUN apt-get"));
    assertThat(lines).anyMatch(l -> l.startsWith("HEALTHCHECK ") && l.contains("/healthz"));
    assertThat(lines).anyMatch(l -> l.startsWith("ENTRYPOINT ") && l.contains(Main.class.getName()));
  }

  @Test
  void theBuildContextLeavesOutSecretsStateAndBuildOutput() throws Exception {
    List<String> ignored = Files.readAllLines(ROOT.resolve(".dockerignore"));
    assertThat(ignored).contains("deploy/stack.secrets", ".runbook/", "**/target/");
    assertThat(ignored).doesNotContain(".mvn/", "mvnw");
  }
}
