package dev.runbook.activities.notify;

import dev.runbook.workflows.activities.NotifyActivities.Notification;
import java.io.PrintStream;

/** Prints the message, for the demo and for development without any outside service. */
final class ConsoleChannel implements Channel {
  private final String name;
  private final PrintStream out;

  ConsoleChannel(String name, PrintStream out) {
    this.name = name;
    this.out = out;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String describe() {
    return "console channel '" + name + "'";
  }

  @Override
  public void deliver(Message message, Notification notification) {
    // One println call per message, so lines of two messages printed at once do not mix.
    out.println("=== " + message.title() + " ===\n" + message.text().stripTrailing() + "\n");
    out.flush();
  }
}
