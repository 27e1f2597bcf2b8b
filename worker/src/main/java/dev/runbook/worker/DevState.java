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
 */
record DevState(String temporalAddress, String dbHost, int dbPort, String dbUser, String dbName, long pid) {
  static final String FILE = "dev.json";
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
    } catch (IOException ignored) {
      // A stale file is ignored by read() once its process is gone.
    }
  }
}
