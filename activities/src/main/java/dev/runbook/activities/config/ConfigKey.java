package dev.runbook.activities.config;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key configuration snapshots are sealed with: 32 random bytes, given to every worker as
 * {@code RUNBOOK_CONFIG_KEY} (base64; {@code runbook key new} makes one). Two keys are derived
 * from it, one to seal (AES-256-GCM, a fresh 96-bit nonce each time, the snapshot's ID as
 * associated data, so a sealed value cannot be moved to another snapshot) and one to hash
 * (HMAC-SHA-256): snapshot IDs and the short hashes diffs show are keyed, so a short value (a
 * flag, a port) cannot be found back by hashing guesses.
 */
public final class ConfigKey {
  public static final String ENV = "RUNBOOK_CONFIG_KEY";

  /** What to tell someone who has no key: how to make one. */
  public static final String HOW_TO_MAKE =
      "make one with `runbook key new` and give every worker the same " + ENV;

  private static final byte FORMAT = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec sealing;
  private final SecretKeySpec hashing;
  private final String id;

  private ConfigKey(byte[] master) {
    this.sealing = new SecretKeySpec(derive(master, "runbook config sealing"), "AES");
    this.hashing = new SecretKeySpec(derive(master, "runbook config hashing"), "HmacSHA256");
    this.id = "k" + hex(derive(master, "runbook config key id")).substring(0, 8);
  }

  /**
   * @throws IllegalArgumentException when the text is not base64 of 32 bytes; the message names
   *     the variable and says how to make a key, never what it held
   */
  public static ConfigKey parse(String base64) {
    byte[] master;
    try {
      master = Base64.getDecoder().decode(base64 == null ? "" : base64.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(ENV + " is not base64: " + HOW_TO_MAKE);
    }
    if (master.length != 32) {
      throw new IllegalArgumentException(ENV + " holds " + master.length + " bytes, not 32: " + HOW_TO_MAKE);
    }
    return new ConfigKey(master);
  }

  /** A new key, base64 of 32 random bytes. */
  public static String newKey() {
    byte[] master = new byte[32];
    RANDOM.nextBytes(master);
    return Base64.getEncoder().encodeToString(master);
  }

  /** A name for this key that gives nothing of it away, kept with each snapshot sealed with it. */
  public String id() {
    return id;
  }

  /** A keyed hash (hex) of the parts, each length-prefixed so no two lists of parts collide. */
  public String hash(String purpose, String... parts) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(hashing);
      for (String part : prepend(purpose, parts)) {
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        mac.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        mac.update(bytes);
      }
      return hex(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Eight hex digits standing for a variable's value in a diff. */
  public String shortHash(String name, String value) {
    return hash("value", name, value).substring(0, 8);
  }

  /** Seals {@code plain}: format byte, nonce, ciphertext and tag. */
  public byte[] seal(byte[] plain, String associated) {
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      RANDOM.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, sealing, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(associated.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(plain);
      return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(FORMAT).put(nonce).put(sealed).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot seal a configuration snapshot: " + e.getMessage(), e);
    }
  }

  /**
   * Opens what {@link #seal} sealed with the same key and associated data.
   *
   * @throws IllegalStateException when it was sealed with another key, for another snapshot, or
   *     was changed since
   */
  public byte[] open(byte[] sealed, String associated) {
    if (sealed == null || sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != FORMAT) {
      throw new IllegalStateException("the sealed snapshot " + associated + " is not in a format this worker reads");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, sealing, new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_BYTES));
      cipher.updateAAD(associated.getBytes(StandardCharsets.UTF_8));
      return cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw new IllegalStateException("the snapshot " + associated + " does not open with key " + id
          + ": it was sealed with another key, or changed since");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot open the snapshot " + associated + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "ConfigKey[" + id + "]";
  }

  private static byte[] derive(byte[] master, String label) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(master, "HmacSHA256"));
      return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String[] prepend(String first, String[] rest) {
    String[] all = Arrays.copyOf(new String[] {first}, rest.length + 1);
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
