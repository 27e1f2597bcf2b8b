package dev.runbook.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a running {@code runbook dev} can be reached, so CLI commands in another terminal find its
 * Temporal server and rollback log without configuration. Holds no password: the private
 * database's password stays in its own file, readable by this user only.
 *
 * @param uiUrl the base URL of the Temporal UI dev hosts (the CLI's dev server), or null
 */
record DevState(String temporalAddress, String dbHost, int dbPort, String dbUser, String dbName, long pid,
    String apiUrl, String uiUrl) {
  static final String FILE = "dev.json";
  /** The dev's own secret: whoever can read it (this user) may act as anyone under people. */
  static final String SECRET = "dev-secret";

  /** Makes a new secret for this dev, readable by this user only. */
  static String newSecret(Path stateDir) throws IOException {
    Files.createDirectories(stateDir);
    Path f = stateDir.resolve(SECRET);
    Files.deleteIfExists(f);
    Files.createFile(f, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    String secret = dev.runbook.starter.api.Tokens.newToken();
    Files.writeString(f, secret);
    return secret;
  }

  static String secret(Path stateDir) {
    try {
      return Files.readString(stateDir.resolve(SECRET)).strip();
    } catch (IOException e) {
      throw new IllegalStateException("a dev is running but its secret " + stateDir.resolve(SECRET)
          + " cannot be read (" + e.getMessage() + "): run the CLI as the user who started `runbook dev`", e);
    }
  }
  private static final ObjectMapper json = new ObjectMapper();

  void write(Path stateDir) throws IOException {
    Files.createDirectories(stateDir);
    json.writeValue(stateDir.resolve(FILE).toFile(), this);
  }

  static Optional<DevState> read(Path stateDir) {
    Path f = stateDir.resolve(FILE);
    try {
      if (!Files.exists(f)) {
        return Optional.empty();
      }
      DevState s = json.readValue(f.toFile(), DevState.class);
      return ProcessHandle.of(s.pid()).filter(ProcessHandle::isAlive).map(p -> s);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static void remove(Path stateDir) {
    try {
      Files.deleteIfExists(stateDir.resolve(FILE));
      Files.deleteIfExists(stateDir.resolve(SECRET));
    } catch (IOException ignored) {
      // A stale file is ignored by read() once its process is gone.
    }
  }
}
