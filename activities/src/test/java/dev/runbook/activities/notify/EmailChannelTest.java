package dev.runbook.activities.notify;

import static dev.runbook.activities.notify.Samples.notification;
import static dev.runbook.activities.notify.Samples.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.runbook.activities.Secret;
import dev.runbook.workflows.activities.NotificationKind;
import dev.runbook.workflows.activities.NotifyActivities.NotifyResult;
import io.temporal.failure.ApplicationFailure;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Email against a real SMTP server in this JVM (GreenMail) on a free port of 127.0.0.1. */
class EmailChannelTest {
  private static final String PASSWORD = "smtp-pw-4711";

  @RegisterExtension
  static final GreenMailExtension smtp =
      new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP)
          .dynamicPort())
          .withConfiguration(GreenMailConfiguration.aConfig().withUser("runbook", PASSWORD));

  private static ChannelSettings mail(String user, Secret password, boolean startTls) {
    return ChannelSettings.email("127.0.0.1", smtp.getSmtp().getPort(), "runbook@example.com",
        List.of("oncall@example.com", "lead@example.com"), user, password, startTls);
  }

  private static NotifyActivitiesImpl notifier(ChannelSettings mail) {
    return new NotifyActivitiesImpl(
        new NotifySettings(Map.of("leads", mail),
            new Routing(Routing.Route.of(List.of("leads")), null, null)),
        new InMemoryDeliveryLog());
  }

  @Test
  void theMailHasTheSubjectFactsRecipientsAndAMessageIdFromTheKey() throws Exception {
    NotifyResult r = notifier(mail("runbook", Secret.of(PASSWORD), false))
        .send(notification(NotificationKind.RESOLVED, "rollback-api/resolved", "1.4.0 -> 1.3.2",
            Duration.ofSeconds(252)));

    assertThat(r.deliveredTo()).containsExactly("leads");
    assertThat(r.planned()).containsExactly("sent RESOLVED \"Resolved: api rolled back (P1)\""
        + " to email channel 'leads' (to oncall@example.com, lead@example.com)");
    MimeMessage[] got = smtp.getReceivedMessages();
    assertThat(got).hasSize(2); // one copy per recipient mailbox
    MimeMessage m = got[0];
    assertThat(m.getSubject()).isEqualTo("Resolved: api rolled back (P1)");
    assertThat(Arrays.stream(m.getRecipients(RecipientType.TO)).map(Object::toString))
        .containsExactly("oncall@example.com", "lead@example.com");
    assertThat(m.getFrom()[0].toString()).isEqualTo("runbook@example.com");
    assertThat(GreenMailUtil.getBody(m)).contains("Rolled back: 1.4.0 -> 1.3.2",
        "Duration: 4m12s", "Reason: error rate 12% after deploy 1.4.0", "Incident: INC-42");
    assertThat(m.getMessageID())
        .isEqualTo(EmailChannel.messageId("rollback-api/resolved", "runbook@example.com"))
        .startsWith("<rollback-api.resolved.")
        .endsWith("@example.com>");
    assertThat(m.getHeader("X-Runbook-Key")).containsExactly("rollback-api/resolved");
  }

  @Test
  void theSameKeyTwiceIsMailedOnce() {
    NotifyActivitiesImpl notifier = notifier(mail(null, null, false));

    notifier.send(started("rollback-api/started"));
    NotifyResult second = notifier.send(started("rollback-api/started"));

    assertThat(second.skipped()).containsExactly("leads");
    MimeMessage[] got = smtp.getReceivedMessages();
    assertThat(got).as("one message, one copy per recipient").hasSize(2);
    assertThat(Arrays.stream(got).map(EmailChannelTest::messageId).distinct()).hasSize(1);
  }

  private static String messageId(MimeMessage m) {
    try {
      return m.getMessageID();
    } catch (jakarta.mail.MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void messageIdsAreStablePerKeyAndDistinctAcrossKeys() {
    String a = EmailChannel.messageId("rollback-api/started", "runbook@Example.com");
    assertThat(a).isEqualTo(EmailChannel.messageId("rollback-api/started", "runbook@example.com"))
        .matches("<rollback-api\\.started\\.[0-9a-f]{12}@example\\.com>");
    assertThat(EmailChannel.messageId("rollback-api:started", "runbook@example.com"))
        .as("keys that sanitize alike still differ").isNotEqualTo(a);
  }

  @Test
  void aRefusedLoginIsPermanentAndDoesNotShowThePassword() {
    NotifyActivitiesImpl notifier = notifier(mail("runbook", Secret.of("wrong-pw-0815"), false));

    assertThatThrownBy(() -> notifier.send(started("k-auth")))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.isNonRetryable()).isTrue();
          assertThat(f.getType()).isEqualTo("BAD_CREDENTIALS");
          assertThat(f.getOriginalMessage())
              .contains("channel 'leads' (email): the SMTP server refused the login of user"
                  + " 'runbook': check notify.channels.leads.user and .password")
              .doesNotContain("wrong-pw-0815", PASSWORD);
        });
    assertThat(smtp.getReceivedMessages()).isEmpty();
  }

  @Test
  void requiredStartTlsAgainstAPlainServerIsAConfigurationErrorNotARetry() {
    NotifyActivitiesImpl notifier = notifier(mail("runbook", Secret.of(PASSWORD), true));

    assertThatThrownBy(() -> notifier.send(started("k-tls")))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.isNonRetryable()).isTrue();
          assertThat(f.getType()).isEqualTo("INVALID_INPUT");
          assertThat(f.getOriginalMessage()).contains("STARTTLS",
              "notify.channels.leads.startTls: false");
        });
    assertThat(smtp.getReceivedMessages()).isEmpty();
  }

  @Test
  void anUnreachableServerIsRetryable() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    NotifyActivitiesImpl notifier = notifier(ChannelSettings.email("127.0.0.1", closedPort,
        "runbook@example.com", List.of("oncall@example.com"), null, null, false));

    assertThatThrownBy(() -> notifier.send(started("k-down")))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.isNonRetryable()).isFalse();
          assertThat(f.getType()).isEqualTo("UNAVAILABLE");
          assertThat(f.getOriginalMessage()).contains("channel 'leads' (email): could not send"
              + " through 127.0.0.1:" + closedPort);
        });
  }
}
