package dev.runbook.starter.cli;

import dev.runbook.starter.client.RunbookException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
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
   * The whole tree: every command, for the help and for a command word picocli must suggest a
   * fix for.
   *
   * @param processCommands demo, dev, worker, serve: listed first in the help
   */
  public static CommandLine build(CliContext context, Map<String, Object> processCommands) {
    return build(context, processCommands, new String[0]);
  }

  /**
   * The tree {@code args} need: only the command they name when it is one (picocli reads the
   * annotations of every command it is given, a quarter of a second for all of them, in a command
   * that lives one second), else every command.
   */
  public static CommandLine build(CliContext context, Map<String, Object> processCommands, String[] args) {
    Map<String, Supplier<Object>> commands = new LinkedHashMap<>();
    processCommands.forEach((name, command) -> commands.put(name, () -> command));
    commands.putAll(commands(context));
    CommandLine cli = new CommandLine(new Root());
    String word = commandWord(args);
    if (word != null && commands.containsKey(word)) {
      cli.addSubcommand(word, commands.get(word).get());
    } else {
      commands.forEach((name, command) -> cli.addSubcommand(name, command.get()));
    }
    cli.setExecutionExceptionHandler(RunbookCli::handle);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    return cli;
  }

  /** The commands that act on runs, by the name each one's {@code @Command} gives it, in help order. */
  static Map<String, Supplier<Object>> commands(CliContext context) {
    Map<String, Supplier<Object>> c = new LinkedHashMap<>();
    c.put("start", () -> {
      CommandLine start = new CommandLine(new Start());
      start.addSubcommand(new StartCommands.Emergency(context));
      start.addSubcommand(new StartCommands.Database(context));
      start.addSubcommand(new StartCommands.Full(context));
      return start;
    });
    c.put("approve", () -> new ActCommands.Approve(context));
    c.put("reject", () -> new ActCommands.Reject(context));
    c.put("decide", () -> new ActCommands.Decide(context));
    c.put("status", () -> new ReadCommands.Status(context));
    c.put("watch", () -> new ReadCommands.WatchCommand(context));
    c.put("list", () -> new ReadCommands.ListCommand(context));
    c.put("log", () -> new ReadCommands.LogCommand(context));
    c.put("report", () -> new ReportCommand(context));
    c.put("checklist", () -> new ChecklistCommands.Show(context));
    c.put("done", () -> new ChecklistCommands.Done(context));
    c.put("drills", () -> {
      CommandLine drills = new CommandLine(new DrillsCommand(context));
      drills.addSubcommand(new DrillsCommand.Show(context));
      drills.addSubcommand(new DrillsCommand.Cancel(context));
      return drills;
    });
    c.put("drill", () -> new DrillCommand(context));
    c.put("backup", () -> {
      CommandLine backup = new CommandLine(new BackupCommand(context));
      backup.addSubcommand(new BackupCommands.Import(context));
      return backup;
    });
    c.put("backups", () -> {
      CommandLine backups = new CommandLine(new BackupsCommand(context));
      backups.addSubcommand(new PruneCommand(context));
      return backups;
    });
    c.put("cancel", () -> new ActCommands.Cancel(context));
    c.put("disarm", () -> new ActCommands.Disarm(context));
    c.put("record", () -> {
      CommandLine record = new CommandLine(new LedgerCommands.Record());
      record.addSubcommand(new LedgerCommands.Deploy(context));
      return record;
    });
    c.put("releases", () -> new LedgerCommands.ReleasesCommand(context));
    return c;
  }

  /**
   * The command word of {@code args}: the first that is neither an option nor the value of
   * {@code -c}/{@code --config}; null when there is none.
   */
  public static String commandWord(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-c") || a.equals("--config")) {
        i++;
      } else if (!a.startsWith("-")) {
        return a;
      }
    }
    return null;
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
