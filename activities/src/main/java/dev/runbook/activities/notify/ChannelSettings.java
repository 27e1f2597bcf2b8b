package dev.runbook.activities.notify;

import com.fasterxml.jackson.annotation.JsonCreator;
import dev.runbook.activities.Secret;
import dev.runbook.workflows.activities.NotificationKind;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One named channel under {@code notify.channels}. The fields are flat so YAML reads naturally;
 * which of them apply depends on {@code kind}, and {@link #problems} names any that do not.
 *
 * <pre>
 * ops:   {kind: slack, url: ${SLACK_WEBHOOK_URL}}
 * pager: {kind: webhook, url: https://pager.example/hook, token: ${PAGER_TOKEN}}
 * leads: {kind: email, host: smtp.example, port: 587, from: runbook@example.com,
 *         to: [lead@example.com], user: runbook, password: ${SMTP_PASSWORD}}
 * local: {kind: console}
 * status: {kind: statuspage, pageId: kctbh9vrtdwd, apiKey: ${STATUSPAGE_API_KEY},
 *          components: {api: 8kbf7d35c070}, kinds: [STARTED, RESOLVED]}
 * </pre>
 *
 * <p>Any channel may be limited to some kinds of message ({@code kinds}) and may word a kind its
 * own way ({@code templates}); see {@link ChannelChecks} for what is checked at load.
 *
 * @param kind slack, webhook, email, console or statuspage
 * @param url slack and webhook: where to POST (a secret: a Slack webhook URL is its own token);
 *     statuspage: the API's base URL, default {@value #STATUSPAGE_API}
 * @param token webhook: optional bearer token
 * @param host email: the SMTP server
 * @param port email: the SMTP port; default 587 with STARTTLS, else 25
 * @param from email: the sender address
 * @param to email: the recipients
 * @param user email: optional SMTP login (with {@code password})
 * @param password email: the SMTP password
 * @param startTls email: require STARTTLS before anything is sent; default true
 * @param timeout how long one delivery may take; default 10s
 * @param kinds the only kinds of message the channel gets (e.g. STARTED, RESOLVED); empty: all
 * @param templates the channel's own title and body per kind of message; others keep the default
 * @param body webhook: the JSON document to send, with placeholders; default: every field
 * @param headers webhook: extra HTTP headers (values may be secrets from the environment)
 * @param pageId statuspage: the page's ID
 * @param apiKey statuspage: the API key, sent as {@code Authorization: OAuth <key>}
 * @param components statuspage: the page's component ID for each service name
 * @param person slack, webhook, email: the one person this channel reaches (a direct message, a
 *     personal pager, their own address), under people; their approval requests then carry a
 *     one-time console link. Never set it on a channel others read: the link acts as that person
 */
public record ChannelSettings(
    String kind,
    Secret url,
    Secret token,
    String host,
    Integer port,
    String from,
    List<String> to,
    String user,
    Secret password,
    Boolean startTls,
    Duration timeout,
    List<String> kinds,
    Map<String, KindTemplate> templates,
    String body,
    Map<String, Secret> headers,
    String pageId,
    Secret apiKey,
    Map<String, String> components,
    String person) {
  public static final String SLACK = "slack";
  public static final String WEBHOOK = "webhook";
  public static final String EMAIL = "email";
  public static final String CONSOLE = "console";
  public static final String STATUSPAGE = "statuspage";
  static final String STATUSPAGE_API = "https://api.statuspage.io/v1";
  static final String KINDS = "slack, webhook, email, console or statuspage";
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);

  @JsonCreator
  public ChannelSettings {
    to = to == null ? List.of() : List.copyOf(to);
    kinds = kinds == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(kinds));
    templates = copy(templates);
    headers = copy(headers);
    components = copy(components);
  }

  /** A channel that reaches no one person in particular. */
  public ChannelSettings(String kind, Secret url, Secret token, String host, Integer port, String from,
      List<String> to, String user, Secret password, Boolean startTls, Duration timeout, List<String> kinds,
      Map<String, KindTemplate> templates, String body, Map<String, Secret> headers, String pageId,
      Secret apiKey, Map<String, String> components) {
    this(kind, url, token, host, port, from, to, user, password, startTls, timeout, kinds, templates, body,
        headers, pageId, apiKey, components, null);
  }

  /** A channel of the first four kinds, with no limits or templates. */
  public ChannelSettings(String kind, Secret url, Secret token, String host, Integer port,
      String from, List<String> to, String user, Secret password, Boolean startTls,
      Duration timeout) {
    this(kind, url, token, host, port, from, to, user, password, startTls, timeout, null, null,
        null, null, null, null, null);
  }

  private static <V> Map<String, V> copy(Map<String, V> m) {
    return m == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(m));
  }

  public static ChannelSettings slack(Secret url) {
    return new ChannelSettings(SLACK, url, null, null, null, null, null, null, null, null, null);
  }

  public static ChannelSettings webhook(Secret url, Secret token) {
    return new ChannelSettings(WEBHOOK, url, token, null, null, null, null, null, null, null, null);
  }

  public static ChannelSettings email(
      String host, int port, String from, List<String> to, String user, Secret password,
      boolean startTls) {
    return new ChannelSettings(
        EMAIL, null, null, host, port, from, to, user, password, startTls, null);
  }

  public static ChannelSettings console() {
    return new ChannelSettings(CONSOLE, null, null, null, null, null, null, null, null, null, null);
  }

  public static ChannelSettings statuspage(
      Secret url, String pageId, Secret apiKey, Map<String, String> components) {
    return new ChannelSettings(STATUSPAGE, url, null, null, null, null, null, null, null, null,
        null, null, null, null, null, pageId, apiKey, components);
  }

  public ChannelSettings withTimeout(Duration timeout) {
    return with(timeout, kinds, templates, body, headers);
  }

  /** The same channel limited to these kinds of message. */
  public ChannelSettings onlyFor(List<String> kinds) {
    return with(timeout, kinds, templates, body, headers);
  }

  /** The same channel with its own wording per kind of message. */
  public ChannelSettings withTemplates(Map<String, KindTemplate> templates) {
    return with(timeout, kinds, templates, body, headers);
  }

  /** The same webhook with a body template and extra headers. */
  public ChannelSettings withBody(String body, Map<String, Secret> headers) {
    return with(timeout, kinds, templates, body, headers);
  }

  private ChannelSettings with(Duration timeout, List<String> kinds,
      Map<String, KindTemplate> templates, String body, Map<String, Secret> headers) {
    return new ChannelSettings(kind, url, token, host, port, from, to, user, password, startTls,
        timeout, kinds, templates, body, headers, pageId, apiKey, components, person);
  }

  /** The same channel as the one that reaches {@code person} alone. */
  public ChannelSettings forPerson(String person) {
    return new ChannelSettings(kind, url, token, host, port, from, to, user, password, startTls,
        timeout, kinds, templates, body, headers, pageId, apiKey, components, person);
  }

  /**
   * What a status page is told when its {@code kinds} are not written: that a rollback started and
   * that it is resolved. The page is public; approvals, decisions and reminders are not for it.
   */
  static final Set<NotificationKind> STATUSPAGE_KINDS =
      Collections.unmodifiableSet(EnumSet.of(NotificationKind.STARTED, NotificationKind.RESOLVED));

  /**
   * Whether the channel gets this kind of message: every kind unless {@code kinds} limits it; a
   * status page without {@code kinds} only {@link #STATUSPAGE_KINDS}.
   */
  boolean accepts(NotificationKind k) {
    return (kinds.isEmpty() && !STATUSPAGE.equals(kind)) || acceptedKinds().contains(k);
  }

  /** The kinds named in {@code kinds} that exist; names were checked at load. */
  Set<NotificationKind> acceptedKinds() {
    if (kinds.isEmpty() && STATUSPAGE.equals(kind)) {
      return STATUSPAGE_KINDS;
    }
    Set<NotificationKind> out = EnumSet.noneOf(NotificationKind.class);
    kinds.forEach(k -> ChannelChecks.kind(k).ifPresent(out::add));
    return out;
  }

  /** The channel's templates by kind; names were checked at load. */
  Map<NotificationKind, KindTemplate> kindTemplates() {
    Map<NotificationKind, KindTemplate> out = new EnumMap<>(NotificationKind.class);
    templates.forEach((k, t) -> ChannelChecks.kind(k).ifPresent(kind -> out.put(kind, t)));
    return out;
  }

  /** The kind in lower case, or "" when missing. */
  String normalizedKind() {
    return kind == null ? "" : kind.trim().toLowerCase(Locale.ROOT);
  }

  Duration effectiveTimeout() {
    return timeout == null ? DEFAULT_TIMEOUT : timeout;
  }

  boolean effectiveStartTls() {
    return startTls == null || startTls;
  }

  int effectivePort() {
    if (port != null) {
      return port;
    }
    return effectiveStartTls() ? 587 : 25;
  }

  public List<String> problems(String path) {
    List<String> problems = new ArrayList<>();
    String k = normalizedKind();
    if (person != null && (k.equals(CONSOLE) || k.equals(STATUSPAGE))) {
      problems.add(path + ".person: a " + k + " channel cannot carry a person's one-time links ("
          + (k.equals(CONSOLE) ? "it prints on the worker's output, which logs keep" : "the status page is public")
          + "): set person on a slack, webhook or email channel that reaches that person alone");
    } else if (person != null && !dev.runbook.workflows.model.Validation.NAME.matcher(person).matches()) {
      problems.add(path + ".person: '" + dev.runbook.workflows.model.Validation.printable(person)
          + "' is not a person's name: use the name they have under people");
    }
    switch (k) {
      case SLACK -> {
        requireUrl(path, "the Slack incoming webhook URL (https://hooks.slack.com/services/...)",
            problems);
        unused(path, k, problems, "token", "host", "port", "from", "to", "user", "password",
            "startTls", "body", "headers", "pageId", "apiKey", "components");
      }
      case WEBHOOK -> {
        requireUrl(path, "the URL that receives the JSON document", problems);
        if (token != null && token.isEmpty()) {
          problems.add(path + ".token: is empty: set the bearer token or remove the line");
        }
        unused(path, k, problems, "host", "port", "from", "to", "user", "password", "startTls",
            "pageId", "apiKey", "components");
        problems.addAll(ChannelChecks.webhookBody(path + ".body", body));
        problems.addAll(ChannelChecks.headers(path + ".headers", headers, token != null));
      }
      case EMAIL -> {
        emailProblems(path, problems);
        unused(path, k, problems, "url", "token", "body", "headers", "pageId", "apiKey",
            "components");
      }
      case CONSOLE -> unused(path, k, problems, "url", "token", "host", "port", "from", "to",
          "user", "password", "startTls", "timeout", "body", "headers", "pageId", "apiKey",
          "components");
      case STATUSPAGE -> {
        if (url != null && !url.isEmpty() && !isHttpUrl(url)) {
          problems.add(path + ".url: not a valid http(s) URL: leave it out to use "
              + STATUSPAGE_API);
        }
        problems.addAll(ChannelChecks.statuspage(path, pageId, apiKey, components));
        unused(path, k, problems, "token", "host", "port", "from", "to", "user", "password",
            "startTls", "body", "headers");
      }
      case "" -> problems.add(path + ".kind: missing: use " + KINDS);
      default -> problems.add(path + ".kind: unknown kind '" + kind + "': use " + KINDS);
    }
    problems.addAll(ChannelChecks.kinds(path + ".kinds", kinds));
    problems.addAll(ChannelChecks.templates(path + ".templates", templates));
    if (timeout != null
        && !CONSOLE.equals(k)
        && (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0)) {
      problems.add(path + ".timeout: must be between 1ms and 5m: a delivery that takes longer"
          + " blocks the run; 10s is the default");
    }
    return problems;
  }

  private void requireUrl(String path, String what, List<String> problems) {
    if (url == null || url.isEmpty()) {
      problems.add(path + ".url: missing: set it to " + what + ", e.g. from an environment"
          + " variable");
      return;
    }
    // The value is a secret: the message says what is wrong, never what it is.
    if (!isHttpUrl(url)) {
      problems.add(path + ".url: not a valid http(s) URL: set it to " + what);
    }
  }

  static boolean isHttpUrl(Secret url) {
    try {
      URI u = new URI(url.reveal().trim());
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("https") || scheme.equals("http")) && u.getHost() != null;
    } catch (Exception e) {
      return false;
    }
  }

  private void emailProblems(String path, List<String> problems) {
    if (host == null || host.isBlank()) {
      problems.add(path + ".host: missing: set it to the SMTP server's host name");
    }
    if (port != null && (port < 1 || port > 65535)) {
      problems.add(path + ".port: " + port + " is not a port: use 1-65535 (587 for STARTTLS"
          + " submission, 25 for plain SMTP)");
    }
    if (from == null || from.isBlank()) {
      problems.add(path + ".from: missing: set the sender address, e.g. runbook@example.com");
    } else if (!validAddress(from)) {
      problems.add(path + ".from: '" + from + "' is not an email address: write it like"
          + " runbook@example.com or 'Runbook <runbook@example.com>'");
    }
    if (to.isEmpty()) {
      problems.add(path + ".to: no recipients: list at least one address");
    }
    for (int i = 0; i < to.size(); i++) {
      if (to.get(i) == null || !validAddress(to.get(i))) {
        problems.add(path + ".to[" + i + "]: '" + to.get(i) + "' is not an email address: write"
            + " it like oncall@example.com");
      }
    }
    boolean hasUser = user != null && !user.isBlank();
    boolean hasPassword = password != null && !password.isEmpty();
    if (hasUser != hasPassword) {
      problems.add(path + (hasUser ? ".password" : ".user") + ": missing: SMTP login needs both"
          + " user and password, or neither");
    }
  }

  static boolean validAddress(String address) {
    try {
      new InternetAddress(address, true).validate();
      return true;
    } catch (AddressException e) {
      return false;
    }
  }

  private void unused(String path, String k, List<String> problems, String... fields) {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("url", url);
    values.put("token", token);
    values.put("host", host);
    values.put("port", port);
    values.put("from", from);
    values.put("to", to.isEmpty() ? null : to);
    values.put("user", user);
    values.put("password", password);
    values.put("startTls", startTls);
    values.put("timeout", timeout);
    values.put("body", body);
    values.put("headers", headers.isEmpty() ? null : headers);
    values.put("pageId", pageId);
    values.put("apiKey", apiKey);
    values.put("components", components.isEmpty() ? null : components);
    for (String field : fields) {
      if (values.get(field) != null) {
        problems.add(path + "." + field + ": not used by " + (k.equals(EMAIL) ? "an " : "a ")
            + k + " channel: remove it");
      }
    }
  }
}
