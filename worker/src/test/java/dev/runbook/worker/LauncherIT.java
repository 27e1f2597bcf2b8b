package dev.runbook.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runbook launcher's client commands over a build's life: the first one that reads the
 * configuration leaves a class-data archive and the record that the file passed the whole check;
 * the next ones use both (picocli from the archive, the file read for the API's address alone); a
 * broken file is still exit 2; a rebuild drops both. Runs the launcher itself, on a copy beside
 * this build's jar and libraries.
 */
class LauncherIT {
  @TempDir Path dir;

  private Path root;
  private Path target;
  private Path config;

  record Run(int exit, String out, String err) {}

  @BeforeEach
  void aBuiltCheckout() throws IOException {
    Path repo = Path.of("").toAbsolutePath().getParent();
    Path built = repo.resolve("worker/target");
    root = Files.createDirectories(dir.resolve("checkout"));
    Files.copy(repo.resolve("runbook"), root.resolve("runbook"));
    Files.setPosixFilePermissions(root.resolve("runbook"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Path jvm = Files.createDirectories(root.resolve("worker/src/main/jvm"));
    for (String options : List.of("client.options", "server.options")) {
      Files.copy(repo.resolve("worker/src/main/jvm").resolve(options), jvm.resolve(options));
    }
    try (Stream<Path> sources = Files.walk(root.resolve("worker/src"))) {
      for (Path p : sources.toList()) { // older than any build stamp of this test
        Files.setLastModifiedTime(p, FileTime.from(Instant.now().minusSeconds(3600)));
      }
    }
    target = Files.createDirectories(root.resolve("worker/target"));
    try (Stream<Path> files = Files.list(built)) {
      Path jar = files.filter(p -> p.getFileName().toString().matches("runbook-worker-.*\\.jar")
          && !p.getFileName().toString().endsWith("-tests.jar")).findFirst().orElseThrow();
      Files.createSymbolicLink(target.resolve(jar.getFileName()), jar);
    }
    Files.createSymbolicLink(target.resolve("lib"), built.resolve("lib"));
    Files.createFile(target.resolve("runbook.built"));
    config = dir.resolve("runbook.yaml");
    Files.writeString(config, "api:\n  listen: 127.0.0.1:" + closedPort() + "\nworker:\n  stateDir: state\n");
  }

  @Test
  void aBuildsFirstClientCommandLeavesWhatTheNextOnesUseAndARebuildDropsIt() throws Exception {
    Run first = runbook(Map.of(), "list", "--config", config.toString());

    assertThat(first.exit()).as(first.err()).isEqualTo(3);
    assertThat(first.err()).contains("no token is set to reach the API");
    Path archive = target.resolve("runbook-client.jsa");
    assertThat(archive).isRegularFile();
    assertThat(names(target)).allMatch(n -> !n.contains(".jsa.") && !n.endsWith(".classes"));
    assertThat(names(target.resolve("config-checked"))).hasSize(2).contains("key");

    Path classes = dir.resolve("classes.log");
    Run second = runbook(Map.of("RUNBOOK_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes),
        "status", "rollback-api", "--config", config.toString());
    assertThat(second.exit()).as(second.err()).isEqualTo(3);
    String loaded = Files.readString(classes);
    assertThat(loaded).contains("picocli.CommandLine source: shared objects file");
    assertThat(loaded).as("the checked file is read for the API's address alone")
        .doesNotContain("dev.runbook.worker.config.RunbookConfig ");

    Files.writeString(config, Files.readString(config).replace("listen:", "lsten:"));
    Run broken = runbook(Map.of("RUNBOOK_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes),
        "status", "rollback-api", "--config", config.toString());
    assertThat(broken.exit()).as(broken.err()).isEqualTo(2);
    assertThat(broken.err()).contains("unknown key 'lsten'");
    assertThat(Files.readString(classes)).contains("dev.runbook.worker.config.RunbookConfig ");
    assertThat(names(target.resolve("config-checked"))).hasSize(2);

    // A rebuild: the stamp is newer than what the last build's commands left.
    Files.setLastModifiedTime(archive, FileTime.from(Instant.now().minusSeconds(60)));
    Files.setLastModifiedTime(target.resolve("config-checked"), FileTime.from(Instant.now().minusSeconds(60)));
    FileTime rebuilt = FileTime.from(Instant.now().minusSeconds(30));
    Files.setLastModifiedTime(target.resolve("runbook.built"), rebuilt);
    Files.writeString(config, Files.readString(config).replace("lsten:", "listen:"));
    Run afterRebuild = runbook(Map.of(), "list", "--config", config.toString());
    assertThat(afterRebuild.exit()).as(afterRebuild.err()).isEqualTo(3);
    assertThat(Files.getLastModifiedTime(archive)).isGreaterThan(rebuilt);
    assertThat(names(target.resolve("config-checked"))).hasSize(2);
  }

  @Test
  void helpAndKeyLeaveNoArchiveForTheCommandsAfterThem() throws Exception {
    assertThat(runbook(Map.of(), "--help").exit()).isZero();
    Run key = runbook(Map.of(), "key");
    assertThat(key.exit()).as(key.err()).isZero();
    assertThat(key.out().strip()).isNotEmpty();

    assertThat(target.resolve("runbook-client.jsa")).doesNotExist();
    assertThat(names(target)).allMatch(n -> !n.contains(".jsa") && !n.endsWith(".classes"));
  }

  private Run runbook(Map<String, String> extra, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(root.resolve("runbook").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("RUNBOOK_"));
    env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("HOME", dir.toString());
    env.put("RUNBOOK_TOKEN_FILE", dir.resolve("no-token").toString());
    env.putAll(new HashMap<>(extra));
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("runbook " + String.join(" ", args) + " ended").isTrue();
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }

  private static List<String> names(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(p -> p.getFileName().toString()).toList();
    }
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
