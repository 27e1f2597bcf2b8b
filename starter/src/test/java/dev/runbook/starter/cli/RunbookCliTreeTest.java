package dev.runbook.starter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A command builds only the command it names; help and typos get the whole tree. */
class RunbookCliTreeTest {

  @Test
  void everyCommandIsKeptUnderTheNameItsAnnotationGivesIt() {
    RunbookCli.commands(null).forEach((name, command) -> {
      Object built = command.get();
      CommandLine cli = built instanceof CommandLine c ? c : new CommandLine(built);
      assertThat(cli.getCommandName()).isEqualTo(name);
    });
  }

  @Test
  void aCommandWordBuildsThatCommandOnly() {
    CommandLine cli = RunbookCli.build(null, Map.of(), new String[] {"-c", "status", "status", "rollback-api"});
    assertThat(cli.getSubcommands()).containsOnlyKeys("status");

    CommandLine start = RunbookCli.build(null, Map.of(), new String[] {"--config=x.yaml", "start", "emergency"});
    assertThat(start.getSubcommands()).containsOnlyKeys("start");
    assertThat(start.getSubcommands().get("start").getSubcommands()).containsOnlyKeys("emergency", "database", "full");
  }

  @Test
  void helpAndAMistypedCommandGetEveryCommand() {
    assertThat(RunbookCli.build(null, Map.of(), new String[] {"--help"}).getSubcommands())
        .containsKeys("start", "approve", "status", "list", "releases").hasSize(RunbookCli.commands(null).size());

    CommandLine cli = RunbookCli.build(null, Map.of(), new String[] {"stauts", "rollback-api"});
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    assertThat(cli.execute("stauts", "rollback-api")).isEqualTo(2);
    assertThat(err.toString()).contains("stauts").contains("status");
  }

  @Test
  void theCommandWordSkipsOptionsAndTheConfigFile() {
    assertThat(RunbookCli.commandWord(new String[] {"-c", "dev", "status"})).isEqualTo("status");
    assertThat(RunbookCli.commandWord(new String[] {"--config", "a.yaml", "approve", "x"})).isEqualTo("approve");
    assertThat(RunbookCli.commandWord(new String[] {"--config=a.yaml", "list"})).isEqualTo("list");
    assertThat(RunbookCli.commandWord(new String[] {"--version"})).isNull();
    assertThat(RunbookCli.commandWord(new String[] {"-c"})).isNull();
  }
}
