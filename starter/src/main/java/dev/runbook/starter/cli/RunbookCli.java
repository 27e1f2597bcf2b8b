package dev.runbook.starter.cli;

import dev.runbook.starter.client.RunbookException;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code runbook} command tree. The process commands (demo, dev, worker, serve) come from the
 * composition root; this module holds the ones that act on runs.
 */
public final class RunbookCli {
  public static final String EXIT_CODES =
      "%nExit codes: 0 done; 1 the run ended without success (watch, start --watch), or the command"
          + " failed for another reason it names; 2 bad input (a wrong option or value, a start the"
          + " workers cannot run, or a problem in the configuration); 3 refused: you may not do this (no"
          + " proof of who you are, role, own run); 4 refused: not now (not waiting, already voted, the"
          + " run has ended, another rollback running); 5 no such run; 6 the API or Temporal not reachable.";

  private RunbookCli() {}

  @Command(
      name = "runbook",
      mixinStandardHelpOptions = true,
      versionProvider = Version.class,
      description = "Durable rollback runbooks on Temporal.",
      footer = EXIT_CODES,
      synopsisSubcommandLabel = "COMMAND")
  static final class Root implements Runnable {
    @Spec CommandSpec spec;

    @picocli.CommandLine.Option(
        names = {"-c", "--config"},
        scope = picocli.CommandLine.ScopeType.INHERIT,
        paramLabel = "FILE",
        description = "The configuration (default: runbook.yaml here, else $RUNBOOK_CONFIG, else built-in defaults).")
    java.nio.file.Path config;

    @Override
    public void run() {
      spec.commandLine().usage(spec.commandLine().getOut());
    }
  }

  @Command(
      name = "start",
      mixinStandardHelpOptions = true,
      description = "Start a runbook: emergency, database or full.",
      synopsisSubcommandLabel = "RUNBOOK")
  static final class Start implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
      throw new CommandLine.ParameterException(spec.commandLine(), "name a runbook: emergency, database or full");
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = RunbookCli.class.getPackage().getImplementationVersion();
      return new String[] {"runbook " + (v == null ? "(development build)" : v)};
    }
  }

  /**
   * @param processCommands demo, dev, worker, serve: listed first in the help
   */
  public static CommandLine build(CliContext context, Map<String, Object> processCommands) {
    CommandLine cli = new CommandLine(new Root());
    processCommands.forEach(cli::addSubcommand);
    CommandLine start = new CommandLine(new Start());
    start.addSubcommand(new StartCommands.Emergency(context));
    start.addSubcommand(new StartCommands.Database(context));
    start.addSubcommand(new StartCommands.Full(context));
    cli.addSubcommand(start);
    cli.addSubcommand(new ActCommands.Approve(context));
    cli.addSubcommand(new ActCommands.Reject(context));
    cli.addSubcommand(new ActCommands.Decide(context));
    cli.addSubcommand(new ReadCommands.Status(context));
    cli.addSubcommand(new ReadCommands.WatchCommand(context));
    cli.addSubcommand(new ReadCommands.ListCommand(context));
    cli.addSubcommand(new ReadCommands.LogCommand(context));
    cli.addSubcommand(new ReportCommand(context));
    cli.addSubcommand(new ChecklistCommands.Show(context));
    cli.addSubcommand(new ChecklistCommands.Done(context));
    CommandLine drills = new CommandLine(new DrillsCommand(context));
    drills.addSubcommand(new DrillsCommand.Show(context));
    drills.addSubcommand(new DrillsCommand.Cancel(context));
    cli.addSubcommand(drills);
    cli.addSubcommand(new DrillCommand(context));
    CommandLine backup = new CommandLine(new BackupCommand(context));
    backup.addSubcommand(new BackupCommands.Import(context));
    cli.addSubcommand(backup);
    CommandLine backups = new CommandLine(new BackupsCommand(context));
    backups.addSubcommand(new PruneCommand(context));
    cli.addSubcommand(backups);
    cli.addSubcommand(new ActCommands.Cancel(context));
    cli.addSubcommand(new ActCommands.Disarm(context));
    CommandLine record = new CommandLine(new LedgerCommands.Record());
    record.addSubcommand(new LedgerCommands.Deploy(context));
    cli.addSubcommand(record);
    cli.addSubcommand(new LedgerCommands.ReleasesCommand(context));
    cli.setExecutionExceptionHandler(RunbookCli::handle);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    return cli;
  }

  private static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    if (e instanceof RunbookException r) {
      cmd.getErr().println("error: " + r.getMessage());
      return r.exitCode();
    }
    if (e instanceof IllegalArgumentException) {
      cmd.getErr().println("error: " + e.getMessage());
      return 2;
    }
    cmd.getErr().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
    return 1;
  }
}
