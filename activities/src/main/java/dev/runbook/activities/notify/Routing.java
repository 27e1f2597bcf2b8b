package dev.runbook.activities.notify;

import com.fasterxml.jackson.annotation.JsonCreator;
import dev.runbook.workflows.activities.Audience;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which channels each audience hears on ({@code notify.routing}). APPROVERS and ESCALATION may
 * name channels per target (the approver role, the escalation level); a target not listed uses
 * the audience's own {@code channels}, and an audience with no route at all falls back to TEAM,
 * so a message always reaches someone.
 *
 * <pre>
 * routing:
 *   team: [ops]
 *   approvers:
 *     channels: [ops]
 *     byTarget: {engineering-lead: [leads], engineering-manager: [managers]}
 *   escalation: [ops, pager]
 * </pre>
 */
public record Routing(Route team, Route approvers, Route escalation) {

  /**
   * @param channels the channel names for this audience (and the fallback for targets)
   * @param byTarget channel names per approver role or escalation level
   */
  public record Route(List<String> channels, Map<String, List<String>> byTarget) {
    @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
    public Route {
      channels = channels == null ? List.of() : List.copyOf(channels);
      Map<String, List<String>> copy = new LinkedHashMap<>();
      if (byTarget != null) {
        byTarget.forEach((k, v) -> copy.put(k, v == null ? List.of() : List.copyOf(v)));
      }
      byTarget = Collections.unmodifiableMap(copy);
    }

    /** The short form in YAML: a plain list of channel names. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Route of(List<String> channels) {
      return new Route(channels, Map.of());
    }
  }

  /** The channel names for a message, each once, in configuration order. */
  public List<String> channelsFor(Audience audience, String target) {
    Route route =
        switch (audience == null ? Audience.TEAM : audience) {
          case TEAM -> team;
          case APPROVERS -> approvers;
          case ESCALATION -> escalation;
        };
    List<String> names = List.of();
    if (route != null && target != null && route.byTarget().containsKey(target)) {
      names = route.byTarget().get(target);
    }
    if (names.isEmpty() && route != null) {
      names = route.channels();
    }
    if (names.isEmpty() && team != null) {
      names = team.channels();
    }
    return List.copyOf(new LinkedHashSet<>(names));
  }

  public List<String> problems(String path, Set<String> channelNames) {
    List<String> problems = new ArrayList<>();
    if (team == null || team.channels().isEmpty()) {
      problems.add(path + ".team: no channels: list the channels every message falls back to,"
          + " e.g. [" + String.join(", ", channelNames) + "]");
    } else if (!team.byTarget().isEmpty()) {
      problems.add(path + ".team.byTarget: TEAM messages have no target: remove it");
    }
    check(path + ".team", team, channelNames, problems);
    check(path + ".approvers", approvers, channelNames, problems);
    check(path + ".escalation", escalation, channelNames, problems);
    return problems;
  }

  private static void check(
      String path, Route route, Set<String> channelNames, List<String> problems) {
    if (route == null) {
      return;
    }
    names(path + ".channels", route.channels(), channelNames, problems);
    route.byTarget().forEach((target, names) -> {
      if (names.isEmpty()) {
        problems.add(path + ".byTarget." + target + ": no channels: list at least one or remove"
            + " the target to use " + path + ".channels");
      }
      names(path + ".byTarget." + target, names, channelNames, problems);
    });
  }

  private static void names(
      String path, List<String> names, Set<String> channelNames, List<String> problems) {
    for (int i = 0; i < names.size(); i++) {
      if (!channelNames.contains(names.get(i))) {
        problems.add(path + "[" + i + "]: no channel named '" + names.get(i) + "': use one of "
            + String.join(", ", channelNames) + " or add it under notify.channels");
      }
    }
  }
}
