package dev.runbook.worker;

import dev.runbook.starter.cli.RunbookCli;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;

/** The {@code runbook} command: the composition root of every process. */
public final class Main {
  private Main() {}

  private static final java.util.Set<String> LONG_RUNNING = java.util.Set.of("dev", "worker", "serve", "demo");

  public static void main(String[] args) {
    String word = RunbookCli.commandWord(args);
    if (word != null && LONG_RUNNING.contains(word)) {
      System.setProperty("runbook.log.level", "INFO");
    }
    int code;
    try (LiveContext context = new LiveContext(configFlag(args))) {
      code = commandLine(context, args).execute(args);
    }
    System.exit(code);
  }

  static CommandLine commandLine(LiveContext context) {
    return commandLine(context, new String[0]);
  }

  /** The command tree {@code args} need (see {@link RunbookCli#build(dev.runbook.starter.cli.CliContext, Map, String[])}). */
  static CommandLine commandLine(LiveContext context, String[] args) {
    Map<String, Object> processes = new LinkedHashMap<>();
    processes.put("demo", new DemoCommand());
    processes.put("dev", new DevCommand(context::settings));
    processes.put("worker", new Processes.WorkerCommand(context::settings));
    processes.put("serve", new ServeCommand(context::settings));
    processes.put("token", new TokenCommand());
    processes.put("key", new KeyCommand());
    return RunbookCli.build(context, processes, args);
  }

  /** The --config value, wherever it stands, for the commands that read the config lazily. */
  static Path configFlag(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if ((args[i].equals("--config") || args[i].equals("-c")) && i + 1 < args.length) {
        return Path.of(args[i + 1]);
      }
      if (args[i].startsWith("--config=")) {
        return Path.of(args[i].substring("--config=".length()));
      }
    }
    return null;
  }
}
