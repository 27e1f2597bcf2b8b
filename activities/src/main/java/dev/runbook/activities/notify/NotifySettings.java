package dev.runbook.activities.notify;

import dev.runbook.workflows.activities.NotificationKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code notify} section of {@code runbook.yaml}: named channels and the routing of each
 * audience to them.
 *
 * <pre>
 * notify:
 *   channels:
 *     ops:   {kind: slack, url: ${SLACK_WEBHOOK_URL}}
 *     leads: {kind: email, host: smtp.example, from: runbook@example.com, to: [lead@example.com]}
 *     local: {kind: console}
 *   routing:
 *     team: [ops, local]
 *     approvers: {channels: [ops], byTarget: {engineering-lead: [leads]}}
 * </pre>
 *
 * <p>A channel limited by {@code kinds} gets only those kinds, whichever route names it; routing
 * by audience says who hears, {@code kinds} says what a destination is for.
 */
public record NotifySettings(Map<String, ChannelSettings> channels, Routing routing) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");

  public NotifySettings {
    channels =
        channels == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(channels));
  }

  /** The dev and demo default: every message printed on the console. */
  public static NotifySettings console() {
    return new NotifySettings(
        Map.of(ChannelSettings.CONSOLE, ChannelSettings.console()),
        new Routing(Routing.Route.of(List.of(ChannelSettings.CONSOLE)), null, null));
  }

  /** The channels among {@code names} that are limited to other kinds of message than this. */
  public List<String> limitedAgainst(NotificationKind kind, List<String> names) {
    return names.stream()
        .filter(n -> channels.get(n) != null && !channels.get(n).accepts(kind))
        .toList();
  }

  public List<String> problems(String path) {
    List<String> problems = new ArrayList<>();
    if (channels.isEmpty()) {
      problems.add(path + ".channels: none configured: add at least one, e.g."
          + " console: {kind: console}");
    }
    channels.forEach((name, channel) -> {
      if (!NAME.matcher(name).matches()) {
        problems.add(path + ".channels." + name + ": the name may use letters, digits, '-' and"
            + " '_' only: rename it");
      }
      if (channel == null) {
        problems.add(path + ".channels." + name + ": empty: set at least its kind ("
            + ChannelSettings.KINDS + ")");
      } else {
        problems.addAll(channel.problems(path + ".channels." + name));
      }
    });
    if (routing == null) {
      problems.add(path + ".routing: missing: set routing.team to the channels every message"
          + " goes to, e.g. team: [" + String.join(", ", channels.keySet()) + "]");
    } else {
      problems.addAll(routing.problems(path + ".routing", channels.keySet()));
      if (routing.team() != null && !routing.team().channels().isEmpty()) {
        List<NotificationKind> unreached = ChannelChecks.unreached(
            routing.team().channels().stream().map(channels::get).toList());
        if (!unreached.isEmpty()) {
          problems.add(path + ".routing.team: every channel in it is limited by kinds, so "
              + String.join(", ", unreached.stream().map(Enum::name).toList())
              + " would reach nobody: add a channel without kinds to routing.team");
        }
      }
    }
    return problems;
  }
}
