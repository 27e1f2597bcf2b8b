package dev.runbook.starter.api;

import dev.runbook.starter.client.RunbookClient;
import java.io.IOException;
import java.time.Clock;

/**
 * The approval console's place in the API server: its routes under {@code /console} (public as
 * far as the bearer API is concerned: the console authenticates by its own session cookie) and
 * how its paths are logged (a one-time link's token never is).
 */
final class Console {
  static final String ROOT = "/console";
  static final String LINKS = ROOT + "/l/";

  private Console() {}

  static void routes(Router router, ApiSettings settings, TokenAuth auth, RunbookClient runbooks,
      ApiServer.Records records) throws IOException {
    ConsoleSettings c = settings.console();
    ConsoleAccess access = new ConsoleAccess(c.keys(), auth, Clock.systemUTC(), settings.scheme(), c.url());
    ConsolePages pages = new ConsolePages(access, records.linkUses(), c.sessionTtl());
    ConsoleApi api = new ConsoleApi(access, runbooks, records.rollbackLog(), c.sessionTtl());
    String a = ConsoleApi.API;
    router
        .add("GET", ROOT, Router.Access.PUBLIC, pages::shell)
        .add("GET", ROOT + "/runs/{id}", Router.Access.PUBLIC, pages::shell)
        .add("GET", ROOT + "/console.js", Router.Access.PUBLIC, pages::script)
        .add("GET", ROOT + "/console.css", Router.Access.PUBLIC, pages::style)
        .add("GET", LINKS + "{token}", Router.Access.PUBLIC, pages::openLink)
        .add("POST", a + "/signin", Router.Access.PUBLIC, api::signIn)
        .add("POST", a + "/signout", Router.Access.PUBLIC, api::signOut)
        .add("GET", a + "/me", Router.Access.PUBLIC, api::me)
        .add("GET", a + "/pending", Router.Access.PUBLIC, api::pending)
        .add("GET", a + "/runs/{id}", Router.Access.PUBLIC, api::status)
        .add("POST", a + "/runs/{id}/approve", Router.Access.PUBLIC, api::approve)
        .add("POST", a + "/runs/{id}/reject", Router.Access.PUBLIC, api::reject);
  }

  /** Whether a path is the console's (its answers carry the console's headers). */
  static boolean owns(String path) {
    return path.equals(ROOT) || path.startsWith(ROOT + "/");
  }

  /** The path as a log line may show it: a link's token is a bearer credential and is cut off. */
  static String loggable(String path) {
    return path.startsWith(LINKS) ? LINKS + "..." : path;
  }
}
