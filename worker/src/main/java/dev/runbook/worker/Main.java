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
    for (String a : args) {
      if (!a.startsWith("-")) {
        if (LONG_RUNNING.contains(a)) {
          System.setProperty("runbook.log.level", "INFO");
        }
        break;
      }
    }
    int code;
    try (LiveContext context = new LiveContext(configFlag(args))) {
      code = commandLine(context).execute(args);
    }
    System.exit(code);
  }

  static CommandLine commandLine(LiveContext context) {
    Map<String, Object> processes = new LinkedHashMap<>();
    processes.put("demo", new DemoCommand());
    processes.put("dev", new DevCommand(context::settings));
    processes.put("worker", new Processes.WorkerCommand(context::settings));
    processes.put("serve", new ServeCommand(context::settings));
    processes.put("token", new TokenCommand());
    processes.put("key", new KeyCommand());
    return RunbookCli.build(context, processes);
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
