package dev.runbook.activities.notify;

import dev.runbook.activities.Secret;
import dev.runbook.workflows.activities.FailureType;
import dev.runbook.workflows.activities.NotifyActivities.Notification;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;

/**
 * SMTP email through Angus Mail. The Message-ID comes from the idempotency key, so a message
 * that is sent again after a lost acknowledgement has the same Message-ID and mail clients can
 * drop the copy.
 */
final class EmailChannel implements Channel {
  private final String name;
  private final ChannelSettings settings;
  private final InternetAddress from;
  private final InternetAddress[] to;

  EmailChannel(String name, ChannelSettings settings) {
    this.name = name;
    this.settings = settings;
    try {
      this.from = new InternetAddress(settings.from(), true);
      this.to = InternetAddress.parse(String.join(",", settings.to()), true);
    } catch (AddressException e) {
      throw new IllegalArgumentException(
          "notify.channels." + name + ": from/to are not email addresses: " + e.getMessage(), e);
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String describe() {
    return "email channel '" + name + "' (to " + String.join(", ", settings.to()) + ")";
  }

  /**
   * {@code <key.hash@sender-domain>}: readable, the same for the same key, and unique because the
   * hash covers characters the key had to lose to fit the Message-ID syntax.
   */
  static String messageId(String key, String fromAddress) {
    String local = key.replaceAll("[^A-Za-z0-9_-]+", ".").replaceAll("^\\.+|\\.+$", "");
    if (local.length() > 64) {
      local = local.substring(0, 64);
    }
    String at = fromAddress.substring(fromAddress.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    return "<" + (local.isEmpty() ? "" : local + ".") + sha256(key).substring(0, 12) + "@"
        + (at.isBlank() ? "runbook.invalid" : at) + ">";
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private Session session() {
    String timeout = Long.toString(settings.effectiveTimeout().toMillis());
    Properties p = new Properties();
    p.put("mail.smtp.host", settings.host());
    p.put("mail.smtp.port", Integer.toString(settings.effectivePort()));
    p.put("mail.smtp.connectiontimeout", timeout);
    p.put("mail.smtp.timeout", timeout);
    p.put("mail.smtp.writetimeout", timeout);
    p.put("mail.smtp.auth", Boolean.toString(hasLogin()));
    if (settings.effectiveStartTls()) {
      // Required, not just enabled: the password must never cross the network in clear.
      p.put("mail.smtp.starttls.enable", "true");
      p.put("mail.smtp.starttls.required", "true");
      p.put("mail.smtp.ssl.checkserveridentity", "true");
    }
    return Session.getInstance(p);
  }

  private boolean hasLogin() {
    return settings.user() != null && !settings.user().isBlank();
  }

  @Override
  public void deliver(Message message, Notification n) {
    try {
      MimeMessage mail = new KeyedMimeMessage(session(), messageId(n.key(), from.getAddress()));
      mail.setFrom(from);
      mail.setRecipients(RecipientType.TO, to);
      mail.setSubject(message.title(), "UTF-8");
      mail.setHeader("X-Runbook-Key", n.key());
      mail.setText(message.text() + "\n-- \nrunbook"
          + (n.workflowId() == null ? "" : " | " + n.workflowId()) + " | key " + n.key() + "\n",
          "UTF-8");
      if (hasLogin()) {
        Transport.send(mail, settings.user(), settings.password().reveal());
      } else {
        Transport.send(mail);
      }
    } catch (AuthenticationFailedException e) {
      throw new DeliveryFailure(FailureType.BAD_CREDENTIALS, prefix()
          + "the SMTP server refused the login of user '" + settings.user()
          + "': check notify.channels." + name + ".user and .password");
    } catch (SendFailedException e) {
      int code = returnCode(e);
      String why = scrub(e.getMessage());
      if (code >= 400 && code < 500) {
        throw new DeliveryFailure(FailureType.UNAVAILABLE, prefix() + "the SMTP server deferred"
            + " the message (" + why + "); a retry sends it again");
      }
      throw new DeliveryFailure(FailureType.INVALID_INPUT, prefix() + "the SMTP server refused"
          + " the message (" + why + "): check notify.channels." + name + ".from and .to");
    } catch (MessagingException e) {
      String why = scrub(e.getMessage());
      if (why.contains("STARTTLS")) {
        throw new DeliveryFailure(FailureType.INVALID_INPUT, prefix() + why + ": use a server"
            + " that offers STARTTLS, or set notify.channels." + name + ".startTls: false for a"
            + " trusted local relay");
      }
      throw new DeliveryFailure(FailureType.UNAVAILABLE, prefix() + "could not send through "
          + settings.host() + ":" + settings.effectivePort() + " (" + why + "): check that the"
          + " SMTP server is up and reachable from the worker");
    }
  }

  private String prefix() {
    return "channel '" + name + "' (email): ";
  }

  private String scrub(String text) {
    String t = text == null ? "no detail" : text.strip().replaceAll("\\s+", " ");
    Secret password = settings.password();
    return password == null ? t : password.redact(t);
  }

  /** The SMTP reply code behind a send failure, or -1 when the server gave none. */
  private static int returnCode(MessagingException e) {
    for (Exception x = e; x != null;
        x = x instanceof MessagingException m ? m.getNextException() : null) {
      if (x instanceof SMTPSendFailedException s) {
        return s.getReturnCode();
      }
      if (x instanceof SMTPAddressFailedException a) {
        return a.getReturnCode();
      }
      if (x instanceof SMTPSenderFailedException f) {
        return f.getReturnCode();
      }
    }
    return -1;
  }

  /** A MimeMessage whose Message-ID is ours rather than a random one made at send time. */
  private static final class KeyedMimeMessage extends MimeMessage {
    private final String messageId;

    KeyedMimeMessage(Session session, String messageId) {
      super(session);
      this.messageId = messageId;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", messageId);
    }
  }
}
