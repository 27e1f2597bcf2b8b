package dev.runbook.worker;

import dev.runbook.starter.api.Tokens;
import dev.runbook.workflows.model.Validation;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "token", mixinStandardHelpOptions = true, description = "API tokens.",
    subcommands = TokenCommand.New.class)
final class TokenCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "new", mixinStandardHelpOptions = true,
      description = "Make an API token for someone: prints the token (once) and the line that goes in the config."
          + " Only the token's SHA-256 is stored.")
  static final class New implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--for", required = true, description = "The person's name, as under people.")
    String person;

    @Option(names = "--role", split = ",", description = "Their roles, for the config line.")
    List<String> roles = List.of();

    @Override
    public Integer call() {
      if (!Validation.NAME.matcher(person).matches()) {
        spec.commandLine().getErr().println("error: --for '" + Validation.printable(person)
            + "' is not a valid name: use lower-case letters, digits, '.', '_' or '-'");
        return 2;
      }
      String token = Tokens.newToken();
      PrintWriter out = spec.commandLine().getOut();
      out.printf("token for %s (give it to them now; it is not stored and cannot be shown again):%n  %s%n%n", person, token);
      out.printf("under people in runbook.yaml:%n  - name: %s%n    roles: [%s]%n    tokenSha256: %s%n",
          person, String.join(", ", roles), Tokens.sha256Hex(token));
      out.printf("%nuse it: curl -H 'Authorization: Bearer <token>' http://127.0.0.1:8080/api/v1/runs%n");
      return 0;
    }
  }
}
