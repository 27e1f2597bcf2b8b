package dev.runbook.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decisions of scripts/setup, which ./runbook demo and ./mvnw verify run before anything else:
 * run as a real child process on a machine made to look new through the script's probe settings
 * (a command path and PostgreSQL locations that hide what is installed, an os-release file, an
 * apt-get that records what it is asked and puts the binaries where the probes look). As root it
 * installs, saying so in one line; as another user (nobody, through setpriv) or off Debian it
 * installs nothing and prints the exact command to run.
 */
class SetupScriptTest {
  /** What the tests of databases driven through commands run: MariaDB's server and client. */
  private static final List<String> MARIADB = List.of("mariadbd", "mariadb-install-db", "mysql", "mysqldump");

  @TempDir Path dir;

  private Path script;
  private Path bin;
  private Path pgRoots;
  private Path aptLog;
  private Path aptGet;
  private Path osRelease;

  record Run(int exit, String out, String err, long millis) {
    List<String> errLines() {
      return err.lines().toList();
    }
  }

  @BeforeEach
  void aMachineWithJavaCurlAndGoButNoPostgres() throws IOException {
    open(dir);
    script = dir.resolve("setup");
    Files.copy(repoScript(), script);
    open(script);
    bin = mkdir(dir.resolve("bin"));
    pgRoots = mkdir(dir.resolve("postgresql"));
    Files.createSymbolicLink(bin.resolve("javac"), Path.of(System.getProperty("java.home"), "bin", "javac"));
    stub(bin.resolve("curl"), "exit 0");
    stub(bin.resolve("go"), "exit 0");
    stub(bin.resolve("chromium"), "exit 0");
    stub(bin.resolve("chromedriver"), "exit 0");
    aptLog = dir.resolve("apt.log");
    // apt-get as far as the script can tell: it records its arguments, and an install puts the
    // PostgreSQL binaries and MariaDB's where the probes look.
    aptGet = dir.resolve("apt-get");
    stub(aptGet, "echo \"$*\" >> '" + aptLog + "'\n"
        + "if [ \"$1\" = install ]; then\n"
        + "  mkdir -p '" + pgRoots + "/15/bin'\n"
        + "  for t in initdb pg_ctl pg_dump pg_restore psql; do\n"
        + "    printf '#!/bin/sh\\n' > '" + pgRoots + "/15/bin/'$t; chmod 755 '" + pgRoots + "/15/bin/'$t\n"
        + "  done\n"
        + "  for t in " + String.join(" ", MARIADB) + "; do\n"
        + "    printf '#!/bin/sh\\n' > '" + bin + "/'$t; chmod 755 '" + bin + "/'$t\n"
        + "  done\n"
        + "fi");
    osRelease = dir.resolve("os-release");
    Files.writeString(osRelease, "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\n");
    open(osRelease);
  }

  private static Path repoScript() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path s = p.resolve("scripts").resolve("setup");
      if (Files.isRegularFile(s)) {
        return s;
      }
    }
    throw new IllegalStateException("scripts/setup not found above " + Path.of("").toAbsolutePath());
  }

  private static Path mkdir(Path d) throws IOException {
    Files.createDirectories(d);
    return open(d);
  }

  /** Readable (and for directories and programs, enterable) by anyone: nobody runs some tests. */
  private static Path open(Path p) throws IOException {
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
        Files.isDirectory(p) || Files.isExecutable(p) ? "rwxr-xr-x" : "rw-r--r--"));
    return p;
  }

  private static void stub(Path file, String body) throws IOException {
    Files.writeString(file, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static boolean root() throws Exception {
    Process p = new ProcessBuilder("id", "-u").start();
    String uid = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    p.waitFor();
    return uid.equals("0");
  }

  private Map<String, String> probes() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("RUNBOOK_SETUP_PATH", bin.toString());
    env.put("RUNBOOK_SETUP_PG_ROOTS", pgRoots.toString());
    env.put("RUNBOOK_SETUP_SBIN", "");
    env.put("RUNBOOK_SETUP_OS_RELEASE", osRelease.toString());
    env.put("RUNBOOK_SETUP_APT_GET", aptGet.toString());
    env.put("RUNBOOK_SETUP_GO", "");
    return env;
  }

  private Run setup(String mode, Map<String, String> env, boolean asNobody) throws Exception {
    List<String> argv = new ArrayList<>();
    if (asNobody) {
      argv.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
    }
    argv.addAll(List.of("bash", script.toString(), mode));
    ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("RUNBOOK_") || k.equals("GO"));
    pb.environment().putAll(env);
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    long start = System.nanoTime();
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("scripts/setup finished").isTrue();
    long millis = (System.nanoTime() - start) / 1_000_000;
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err), millis);
  }

  private void postgresInstalled() throws IOException {
    Path v = mkdir(pgRoots.resolve("15"));
    Path b = mkdir(v.resolve("bin"));
    for (String t : List.of("initdb", "pg_ctl", "pg_dump", "pg_restore", "psql")) {
      stub(b.resolve(t), "exit 0");
    }
  }

  private void mariadbInstalled(Path serverDir) throws IOException {
    for (String t : MARIADB) {
      stub((t.equals("mariadbd") ? serverDir : bin).resolve(t), "exit 0");
    }
  }

  @Test
  void whenEverythingIsThereItIsAQuietCheckThatInstallsNothing() throws Exception {
    postgresInstalled();
    mariadbInstalled(bin);

    for (String mode : List.of("build", "demo", "test")) {
      Run r = setup(mode, probes(), false);
      assertThat(r.exit()).as(mode + ": " + r.err()).isZero();
      assertThat(r.out() + r.err()).as(mode).isEmpty();
      assertThat(r.millis()).as(mode + " takes a check's time, not an install's").isLessThan(5_000);
    }
    assertThat(aptLog).doesNotExist();
  }

  @Test
  void asRootOnDebianItInstallsWhatIsMissingSayingWhatInOneLine() throws Exception {
    assumeTrue(root(), "installing is what root does; the other tests cover everyone else");

    Run r = setup("test", probes(), false);

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(r.errLines()).singleElement().asString()
        .startsWith("runbook setup: installing postgresql postgresql-contrib postgresql-client mariadb-server-core"
            + " mariadb-client with apt-get: ")
        .contains("the PostgreSQL server", "pg_dump, pg_restore and psql", "MariaDB's server", "mysql and mysqldump");
    assertThat(Files.readAllLines(aptLog)).containsExactly("update -qq",
        "install -y -qq postgresql postgresql-contrib postgresql-client mariadb-server-core mariadb-client");

    Run again = setup("test", probes(), false);
    assertThat(again.exit()).isZero();
    assertThat(again.out() + again.err()).isEmpty();
    assertThat(Files.readAllLines(aptLog)).hasSize(2);
  }

  @Test
  void notAsRootItStopsAtOnceWithTheExactCommandAndInstallsNothing() throws Exception {
    boolean asNobody = root();

    Run su = setup("demo", probes(), asNobody);
    assertThat(su.exit()).isEqualTo(1);
    assertThat(su.out()).isEmpty();
    assertThat(su.errLines()).contains(
        "runbook setup: Installing it needs root. Run this, then run the same command again:",
        "  su -c 'apt-get update && apt-get install -y postgresql postgresql-contrib postgresql-client'");
    assertThat(su.errLines().get(0)).startsWith("runbook setup: missing: the PostgreSQL server");

    stub(bin.resolve("sudo"), "exit 1");
    Run sudo = setup("test", probes(), asNobody);
    assertThat(sudo.exit()).isEqualTo(1);
    assertThat(sudo.errLines()).contains("  sudo sh -c 'apt-get update && apt-get install -y postgresql"
        + " postgresql-contrib postgresql-client mariadb-server-core mariadb-client'");

    assertThat(aptLog).doesNotExist();
    assertThat(pgRoots.resolve("15")).doesNotExist();
  }

  @Test
  void offDebianItStopsWithThatSystemsCommand() throws Exception {
    Files.writeString(osRelease, "ID=fedora\nID_LIKE=\"rhel centos\"\n");
    stub(bin.resolve("dnf"), "exit 1");

    Run r = setup("demo", probes(), false);

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.errLines()).contains(
        "runbook setup: This is not Debian, so nothing is installed automatically. Run this, then run the same"
            + " command again:",
        "  " + (root() ? "" : "sudo ") + "dnf install -y postgresql-server postgresql-contrib postgresql");
    assertThat(aptLog).doesNotExist();
  }

  @Test
  void theProductsOwnLocationsCountAndADemoAgainstAServerNeedsOnlyTheClientTools() throws Exception {
    mariadbInstalled(bin);
    Path own = mkdir(dir.resolve("own-build"));
    for (String t : List.of("initdb", "pg_ctl", "pg_dump", "pg_restore", "psql")) {
      stub(own.resolve(t), "exit 0");
    }
    Map<String, String> env = probes();
    env.put("RUNBOOK_PG_BIN", own.toString());
    Run configured = setup("test", env, false);
    assertThat(configured.exit()).as(configured.err()).isZero();
    assertThat(configured.err()).isEmpty();

    stub(bin.resolve("pg_dump"), "exit 0");
    stub(bin.resolve("pg_restore"), "exit 0");
    stub(bin.resolve("psql"), "exit 0");
    Map<String, String> server = probes();
    server.put("RUNBOOK_DATABASE_URL", "postgresql://runbook@127.0.0.1:5432/runbook");
    Run demo = setup("demo", server, root());
    assertThat(demo.exit()).as(demo.err()).isZero();
    assertThat(demo.err()).isEmpty();
    assertThat(aptLog).doesNotExist();
  }

  @Test
  void goAndAnOldJdkAreNamedWithWhatToDo() throws Exception {
    postgresInstalled();
    mariadbInstalled(bin);
    Files.delete(bin.resolve("go"));
    Run noGo = setup("test", probes(), false);
    assertThat(noGo.exit()).isEqualTo(1);
    assertThat(noGo.err()).contains("missing: Go 1.26 or newer", "set GO=/path/to/go");
    assertThat(setup("demo", probes(), false).exit()).as("the demo needs no Go").isZero();

    Path oldJdk = mkdir(dir.resolve("jdk-11"));
    Path oldBin = mkdir(oldJdk.resolve("bin"));
    stub(oldBin.resolve("javac"), "echo 'javac 11.0.2' >&2");
    Files.writeString(oldJdk.resolve("release"), "JAVA_VERSION=\"11.0.2\"\n");
    open(oldJdk.resolve("release"));
    Files.delete(bin.resolve("javac"));
    Files.createSymbolicLink(bin.resolve("javac"), oldBin.resolve("javac"));
    Run old = setup("build", probes(), root());
    assertThat(old.exit()).isEqualTo(1);
    assertThat(old.err()).contains("a JDK 17 (the javac found is 11)", "apt-get install -y openjdk-17-jdk-headless");
    assertThat(aptLog).doesNotExist();
  }

  @Test
  void theTestsNeedMariaDbTheDemoDoesNotAndItsServerIsFoundInSbin() throws Exception {
    postgresInstalled();
    assertThat(setup("demo", probes(), false).exit()).as("the demo needs no MariaDB").isZero();

    Run su = setup("test", probes(), root());
    assertThat(su.exit()).isEqualTo(1);
    assertThat(su.errLines().get(0)).isEqualTo("runbook setup: missing: MariaDB's server, which the tests of databases"
        + " driven through commands start private servers from; mysql and mysqldump, which those tests back up and"
        + " restore MariaDB with.");
    assertThat(su.errLines()).contains("  su -c 'apt-get update && apt-get install -y mariadb-server-core mariadb-client'");

    Path sbin = mkdir(dir.resolve("sbin"));
    mariadbInstalled(sbin);
    Map<String, String> env = probes();
    env.put("RUNBOOK_SETUP_SBIN", sbin.toString());
    Run found = setup("test", env, root());
    assertThat(found.exit()).as(found.err()).isZero();
    assertThat(found.out() + found.err()).isEmpty();
    assertThat(aptLog).doesNotExist();
  }

  @Test
  void theTestsNeedChromiumAndItsDriverTheDemoDoesNot() throws Exception {
    postgresInstalled();
    mariadbInstalled(bin);
    Files.delete(bin.resolve("chromedriver"));
    assertThat(setup("demo", probes(), false).exit()).as("the demo needs no browser").isZero();

    Run su = setup("test", probes(), root());
    assertThat(su.exit()).isEqualTo(1);
    assertThat(su.errLines().get(0)).isEqualTo("runbook setup: missing: Chromium and chromedriver, which the approval"
        + " console's tests drive a headless browser with.");
    assertThat(su.errLines()).contains("  su -c 'apt-get update && apt-get install -y chromium chromium-driver'");
    assertThat(aptLog).doesNotExist();
  }
}
