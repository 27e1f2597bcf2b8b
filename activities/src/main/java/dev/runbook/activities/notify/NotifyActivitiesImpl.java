package dev.runbook.activities.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runbook.activities.Failures;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.activities.NotifyActivities;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a notification to the channels its audience is routed to. Each (key, channel) pair is
 * delivered at most once as far as the delivery log can tell: a channel that has the key is
 * skipped, a channel is recorded right after it accepted the message, and a failing channel does
 * not stop the others. When some fail, the activity fails naming them, so its retry sends only
 * to those. A channel can still get a message twice if the worker dies between its send and the
 * record; the webhook's Idempotency-Key and the email's Message-ID let those receivers drop it.
 */
public final class NotifyActivitiesImpl implements NotifyActivities {
  private static final Logger log = LoggerFactory.getLogger(NotifyActivitiesImpl.class);

  private final Routing routing;
  private final Map<String, Channel> channels;
  private final Map<String, ChannelSettings> configured;
  private final DeliveryLog deliveries;
  private final PersonalLinks links;

  /** Sends for real; the console channel prints on standard output. */
  public NotifyActivitiesImpl(NotifySettings settings, DeliveryLog deliveries) {
    this(settings, deliveries, System.out, JsonPost.defaultClient());
  }

  /** Status page incidents are remembered in memory only: for notifiers without a database. */
  public NotifyActivitiesImpl(
      NotifySettings settings, DeliveryLog deliveries, PrintStream console, HttpClient http) {
    this(settings, deliveries, new InMemoryStatuspageIncidents(), console, http);
  }

  /**
   * @param incidents where status page channels remember each run's incident
   * @param console where console channels print
   * @param http the client for Slack, webhooks and status pages; it must not follow redirects
   */
  public NotifyActivitiesImpl(NotifySettings settings, DeliveryLog deliveries,
      StatuspageIncidents incidents, PrintStream console, HttpClient http) {
    this(settings, deliveries, incidents, console, http, PersonalLinks.NONE);
  }

  /** @param links the one-time console links approval requests carry on channels that reach one person */
  public NotifyActivitiesImpl(NotifySettings settings, DeliveryLog deliveries,
      StatuspageIncidents incidents, PrintStream console, HttpClient http, PersonalLinks links) {
    this.links = links;
    List<String> problems = settings.problems("notify");
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "notify settings are not valid:\n  " + String.join("\n  ", problems));
    }
    this.routing = settings.routing();
    this.configured = settings.channels();
    this.deliveries = deliveries;
    JsonPost post = new JsonPost(http);
    ObjectMapper json = new ObjectMapper();
    Map<String, Channel> built = new LinkedHashMap<>();
    settings.channels().forEach((name, c) -> built.put(name, switch (c.normalizedKind()) {
      case ChannelSettings.SLACK -> new SlackChannel(name, c, post, json);
      case ChannelSettings.WEBHOOK -> new WebhookChannel(name, c, post, json);
      case ChannelSettings.EMAIL -> new EmailChannel(name, c);
      case ChannelSettings.STATUSPAGE -> new StatuspageChannel(name, c, post, json, incidents);
      default -> new ConsoleChannel(name, console);
    }));
    this.channels = Map.copyOf(built);
  }

  /**
   * The channels a notification goes to: those it names (a drill's {@code notify}, checked against
   * {@code notify.channels} when the configuration loads), else its audience's route; either way
   * without the channels limited to other kinds of message.
   */
  private List<String> names(Notification n) {
    return named(n).stream().filter(c -> configured.get(c).accepts(n.kind())).toList();
  }

  private List<String> named(Notification n) {
    if (n.channels() == null || n.channels().isEmpty()) {
      return routing.channelsFor(n.audience(), n.target());
    }
    List<String> unknown = n.channels().stream().filter(c -> !channels.containsKey(c)).toList();
    if (!unknown.isEmpty()) {
      throw Failures.of(FailureType.INVALID_INPUT, n.key() + " names channels these workers do not have: "
          + String.join(", ", unknown) + " (known: " + String.join(", ", new java.util.TreeSet<>(channels.keySet()))
          + "): fix the drill's notify in runbook.yaml");
    }
    return List.copyOf(new java.util.LinkedHashSet<>(n.channels()));
  }

  @Override
  public NotifyResult send(Notification n) {
    if (n == null || n.key() == null || n.key().isBlank() || n.kind() == null) {
      throw Failures.of(FailureType.INVALID_INPUT,
          "a notification needs an idempotency key and a kind: the workflow must set both");
    }
    Message standard = MessageTemplates.render(n);
    List<Channel> targets = names(n).stream().map(channels::get).toList();
    List<String> planned = new ArrayList<>();
    if (n.dryRun()) {
      for (Channel c : targets) {
        planned.add("would send " + n.kind() + " " + quoted(message(c, n, standard)) + " to "
            + c.describe());
      }
      return new NotifyResult(List.of(), List.of(), planned);
    }

    Set<String> done;
    try {
      done = deliveries.deliveredChannels(n.key());
    } catch (DeliveryFailure e) {
      throw Failures.of(e.type(), e.getMessage());
    }
    List<String> delivered = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    List<DeliveryFailure> failures = new ArrayList<>();
    for (Channel c : targets) {
      if (done.contains(c.name())) {
        skipped.add(c.name());
        planned.add("skipped " + c.describe() + ": it already has " + n.key());
        continue;
      }
      Message message = message(c, n, standard);
      // The link goes to the channel only: the result below is kept in the run's history.
      String link = links.linkFor(configured.get(c.name()), n);
      try {
        c.deliver(link == null ? message : PersonalLinks.withLink(message, link), n);
      } catch (DeliveryFailure e) {
        log.warn("notification {} not delivered: {}", n.key(), e.getMessage());
        failures.add(e);
        continue;
      }
      try {
        deliveries.recordDelivery(n.key(), c.name());
      } catch (DeliveryFailure e) {
        throw Failures.of(FailureType.UNAVAILABLE, "sent " + n.key() + " to " + c.describe()
            + " but could not record it, so a retry may send it there again: " + e.getMessage());
      }
      log.info("notification {} ({}) delivered to channel {}", n.key(), n.kind(), c.name());
      delivered.add(c.name());
      planned.add("sent " + n.kind() + " " + quoted(message) + " to " + c.describe()
          + (link == null ? "" : " with a one-time console link for " + configured.get(c.name()).person()));
    }
    if (!failures.isEmpty()) {
      throw failure(n, delivered, failures);
    }
    return new NotifyResult(delivered, skipped, planned);
  }

  /** The message as this channel words it: its templates, else its kind's, else the standard. */
  private Message message(Channel c, Notification n, Message standard) {
    return TemplatedMessages.forChannel(configured.get(c.name()).kindTemplates(),
        c instanceof StatuspageChannel ? StatuspageChannel.DEFAULTS : Map.of(), n, standard);
  }

  private static String quoted(Message m) {
    return "\"" + m.title() + "\"";
  }

  /**
   * Retryable when any channel may work on a retry; non-retryable only when every failing
   * channel is misconfigured, where a retry cannot help.
   */
  private static RuntimeException failure(
      Notification n, List<String> delivered, List<DeliveryFailure> failures) {
    boolean retryable = failures.stream().anyMatch(f -> f.type().retryable());
    FailureType type = retryable ? FailureType.UNAVAILABLE : failures.get(0).type();
    StringBuilder m = new StringBuilder("notification " + n.key() + " (" + n.kind()
        + ") was not delivered to " + failures.size() + " channel(s): ");
    m.append(String.join("; ", failures.stream().map(Throwable::getMessage).toList()));
    if (!delivered.isEmpty()) {
      m.append(". Delivered to ").append(String.join(", ", delivered));
    }
    m.append(retryable
        ? ". A retry sends only to the channels that failed."
        : ". Fix the configuration; a retry cannot help.");
    return Failures.of(type, m.toString());
  }
}
