package dev.runbook.worker;

import dev.runbook.activities.config.ConfigKey;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "key", mixinStandardHelpOptions = true,
    description = "The key configuration snapshots are sealed with.", subcommands = KeyCommand.New.class)
final class KeyCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "new", mixinStandardHelpOptions = true,
      description = "Make a key for RUNBOOK_CONFIG_KEY: 32 random bytes, base64. Every worker needs the same one;"
          + " a snapshot sealed with one key does not open with another, so keep it where the workers' other"
          + " secrets are.")
  static final class New implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
      PrintWriter out = spec.commandLine().getOut();
      out.printf("%s=%s%n", ConfigKey.ENV, ConfigKey.newKey());
      out.printf("%n(give every worker this environment variable; it is shown once and stored nowhere)%n");
    }
  }
}
