package dev.runbook.activities.notify;

import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import dev.runbook.workflows.policy.ConsoleLink;
import dev.runbook.workflows.policy.Signed;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one-time console link an approval request carries on a channel that reaches one person
 * ({@code person:} on the channel) who holds one of the roles asked for. The link is a bearer
 * credential for that run and person: it goes into what that channel delivers and nowhere else
 * (not the activity's result, which the run's history keeps, nor a log line).
 */
public final class PersonalLinks {
  /** No links: the console's secret and URL are not both configured. */
  public static final PersonalLinks NONE = new PersonalLinks(null, null, Duration.ZERO, Map.of(), Clock.systemUTC());

  private final Signed keys;
  private final String baseUrl;
  private final Duration ttl;
  private final Map<String, List<String>> roles;
  private final Clock clock;

  /**
   * @param secret api.console.secret, shared with the API servers that open the links
   * @param baseUrl api.console.url, the console's public address
   * @param roles each configured person's roles, by name
   */
  public PersonalLinks(String secret, String baseUrl, Duration ttl, Map<String, List<String>> roles, Clock clock) {
    this.keys = secret == null ? null : new Signed(secret);
    this.baseUrl = baseUrl;
    this.ttl = ttl;
    this.roles = Map.copyOf(new LinkedHashMap<>(roles));
    this.clock = clock;
  }

  /** The link for the channel's person, or null when this message carries none. */
  String linkFor(ChannelSettings channel, Notification n) {
    if (keys == null || baseUrl == null || channel.person() == null || n.kind() != NotificationKind.APPROVAL_REQUESTED
        || n.workflowId() == null) {
      return null;
    }
    List<String> held = roles.get(channel.person());
    List<String> asked = n.target() == null ? List.of() : List.of(n.target().split("\\s*,\\s*"));
    if (held == null || held.stream().noneMatch(asked::contains) || channel.person().equals(n.requestedBy())) {
      return null;
    }
    return ConsoleLink.mint(n.workflowId(), channel.person(), clock.instant().plus(ttl)).url(baseUrl, keys);
  }

  /** The message with "Approve or reject: URL" appended to its text and its blocks. */
  static Message withLink(Message m, String url) {
    String line = "Approve or reject: " + url;
    List<Map<String, Object>> blocks = new ArrayList<>(m.blocks());
    if (!blocks.isEmpty()) {
      blocks.add(Map.of("type", "section", "text", Map.of("type", "mrkdwn", "text", "<" + url + "|Approve or reject>")));
    }
    return new Message(m.title(), m.text().stripTrailing() + "\n\n" + line + "\n", blocks);
  }
}
