package dev.runbook.worker.catalog;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * A short fingerprint of a configuration file, so two processes can tell whether they run the
 * same one. It is taken over the parsed YAML before {@code ${ENV}} substitution, with keys in
 * order: comments, layout and secrets do not change it, any setting does.
 */
public final class ConfigFingerprint {
  /** The fingerprint of running without a file, on the built-in defaults. */
  public static final String DEFAULTS = "defaults";

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final ObjectMapper CANONICAL =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private ConfigFingerprint() {}

  /** @param file the configuration file, or null for the built-in defaults */
  public static String of(Path file) {
    if (file == null || !Files.isRegularFile(file)) {
      return DEFAULTS;
    }
    try {
      Object tree = YAML.readValue(file.toFile(), Object.class);
      byte[] canonical = CANONICAL.writeValueAsBytes(tree == null ? Map.of() : tree);
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical);
      return HexFormat.of().formatHex(digest).substring(0, 12);
    } catch (IOException e) {
      return "unreadable";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
