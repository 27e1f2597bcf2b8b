package dev.runbook.workflows.policy;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Short values signed with HMAC-SHA256 under the console's secret, so any API server or worker that
 * shares the secret can check what another issued without a shared store: {@code
 * base64url(fields) "." base64url(mac)}. The purpose is signed too, so a value issued for one use
 * (a session) is never accepted for another (a one-time link). Fields are readable by whoever holds
 * the value: they carry names and times, never a secret.
 */
public final class Signed {
  /** The shortest secret accepted: 32 characters (a `runbook token new` token is 43). */
  public static final int MIN_SECRET = 32;

  private static final Base64.Encoder ENCODE = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODE = Base64.getUrlDecoder();
  private static final char SEPARATOR = '\n';

  private final byte[] key;

  /** @throws IllegalArgumentException when the secret is shorter than {@link #MIN_SECRET} */
  public Signed(byte[] key) {
    if (key.length < MIN_SECRET) {
      throw new IllegalArgumentException("the console secret is " + key.length + " bytes: use at least "
          + MIN_SECRET + " (runbook token new prints one)");
    }
    this.key = key.clone();
  }

  public Signed(String secret) {
    this(secret.getBytes(StandardCharsets.UTF_8));
  }

  /** The signed value of {@code fields} for {@code purpose}; no field may contain a newline. */
  public String sign(String purpose, List<String> fields) {
    StringBuilder payload = new StringBuilder();
    for (String f : fields) {
      if (f.indexOf(SEPARATOR) >= 0) {
        throw new IllegalArgumentException("a signed field cannot contain a newline");
      }
      payload.append(f).append(SEPARATOR);
    }
    byte[] bytes = payload.toString().getBytes(StandardCharsets.UTF_8);
    return ENCODE.encodeToString(bytes) + "." + ENCODE.encodeToString(mac(purpose, bytes));
  }

  /**
   * The fields of a value this secret signed for {@code purpose}, or null when it was not (a
   * forged, altered, truncated or other-purpose value: the caller cannot tell which, nor can anyone).
   */
  public List<String> verify(String purpose, String value, int fieldCount) {
    if (value == null || value.length() > 2048) {
      return null;
    }
    int dot = value.indexOf('.');
    if (dot <= 0 || dot != value.lastIndexOf('.')) {
      return null;
    }
    byte[] payload;
    byte[] presented;
    try {
      payload = DECODE.decode(value.substring(0, dot));
      presented = DECODE.decode(value.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (!MessageDigest.isEqual(mac(purpose, payload), presented)) {
      return null;
    }
    String text = new String(payload, StandardCharsets.UTF_8);
    List<String> fields = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == SEPARATOR) {
        fields.add(text.substring(start, i));
        start = i + 1;
      }
    }
    return fields.size() == fieldCount && start == text.length() ? List.copyOf(fields) : null;
  }

  private byte[] mac(String purpose, byte[] payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update(purpose.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      return mac.doFinal(payload);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this Java runtime", e);
    }
  }
}
