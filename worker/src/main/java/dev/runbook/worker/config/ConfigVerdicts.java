package dev.runbook.worker.config;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The configurations that passed the whole check, so that a command that answers and exits
 * (status, approve...) reads only the few settings it needs of a file that passed and has not
 * changed since, instead of mapping and checking all of it each time. A changed file, a changed
 * value of a variable it names, another build or another path is a new entry: the whole check runs
 * and a problem is still exit 2 for every command. Only passes are kept.
 *
 * <p>An entry is an empty file named by a SHA-256 over a random key only this user can read, then
 * the build, the file's path, its text and the values of the variables it names, in a directory
 * only this user can enter: no setting or secret can be read or guessed from it (javax.crypto's
 * HMAC would cost a client command another 20 ms of provider set-up for nothing more here: only
 * this user can write entries). The runbook launcher keeps the entries in the build's directory (a
 * rebuild drops them); without it nothing is kept and every command checks the whole file.
 * Anything that goes wrong here only means the whole check runs.
 */
public final class ConfigVerdicts {
  /** The system property naming the directory (set by the launcher for client commands). */
  public static final String PROPERTY = "runbook.checked";
  /** The entries kept; the oldest go first. */
  static final int KEPT = 64;

  private static final String KEY_FILE = "key";
  private final Path dir;

  private ConfigVerdicts(Path dir) {
    this.dir = dir;
  }

  /** Nothing kept: every command checks the whole file. */
  public static ConfigVerdicts none() {
    return new ConfigVerdicts(null);
  }

  public static ConfigVerdicts in(Path dir) {
    return new ConfigVerdicts(dir);
  }

  /** In the directory {@link #PROPERTY} names, else none. */
  public static ConfigVerdicts fromSystem() {
    String dir = System.getProperty(PROPERTY);
    return dir == null || dir.isBlank() ? none() : in(Path.of(dir));
  }

  /**
   * The entry of this file as it is now.
   *
   * @param variables every variable the file names, with its value (null when unset)
   * @return null when nothing can be kept
   */
  public String key(Path file, String text, Map<String, String> variables) {
    if (dir == null) {
      return null;
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(secret());
      field(sha, build());
      field(sha, file.toAbsolutePath().normalize().toString());
      field(sha, text);
      variables.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(v -> {
        field(sha, v.getKey());
        field(sha, v.getValue() == null ? "\0unset" : "=" + v.getValue());
      });
      return HexFormat.of().formatHex(sha.digest());
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      return null;
    }
  }

  /** Whether the file with this entry passed the whole check. */
  public boolean passed(String key) {
    return key != null && Files.isRegularFile(dir.resolve(key));
  }

  /** Records that the file with this entry passed the whole check. */
  public void record(String key) {
    if (key == null) {
      return;
    }
    try {
      Files.createFile(dir.resolve(key));
      prune();
    } catch (FileAlreadyExistsException e) {
      // another command recorded it first
    } catch (IOException | RuntimeException e) {
      // not kept: the next command checks the whole file again
    }
  }

  private void prune() throws IOException {
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> all = Files.newDirectoryStream(dir, "[0-9a-f]*")) {
      all.forEach(entries::add);
    }
    if (entries.size() <= KEPT) {
      return;
    }
    entries.sort((a, b) -> modified(a).compareTo(modified(b)));
    for (Path old : entries.subList(0, entries.size() - KEPT)) {
      Files.deleteIfExists(old);
    }
  }

  private static FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  /** This user's key, made on first use; none from a directory someone else could write to. */
  private byte[] secret() throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    if (!PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)).endsWith("------")
        || !Files.getOwner(dir).getName().equals(System.getProperty("user.name"))) {
      throw new IOException(dir + " is not this user's alone");
    }
    Path file = dir.resolve(KEY_FILE);
    if (!Files.exists(file)) {
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      Path mine = Files.createTempFile(dir, "key", ".new",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.write(mine, key);
      try {
        Files.move(mine, file); // not over another command's: the first one made is everyone's
      } catch (FileAlreadyExistsException e) {
        Files.deleteIfExists(mine);
      }
    }
    byte[] key = Files.readAllBytes(file);
    if (key.length < 32) {
      throw new IOException(file + " is not a key");
    }
    return key;
  }

  /** The build that checked: the jar this class came from, by its size and time. */
  private static String build() {
    try {
      Path jar = Path.of(ConfigVerdicts.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return Files.isRegularFile(jar) ? jar + " " + Files.size(jar) + " " + Files.getLastModifiedTime(jar).toMillis() : jar.toString();
    } catch (IOException | URISyntaxException | RuntimeException e) {
      return "unknown";
    }
  }

  /** One field, its length first, so no two lists of fields hash alike. */
  private static void field(MessageDigest sha, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    sha.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
    sha.update((byte) ':');
    sha.update(bytes);
  }
}
