package dev.runbook.activities.database;

import dev.runbook.activities.Failures;
import dev.runbook.activities.exec.CommandRunner;
import dev.runbook.activities.exec.CommandRunner.Result;
import dev.runbook.activities.exec.Shell;
import dev.runbook.workflows.activities.FailureType;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Loading a plain dump (SQL, or SQL gzip'd) with psql, in ONE transaction that stops at the first
 * error ({@code --single-transaction}, {@code ON_ERROR_STOP=1}): a dump that fails half way
 * leaves nothing behind. The worker streams the file into psql, gunzipping as it goes (nothing
 * is inflated to disk), and reads every byte on the way ({@link PlainDumpScanner}): a psql
 * command pg_dump does not write, a file cut short, or bytes that are not those imported (their
 * sha256) stop psql before its input ends, so it never commits.
 */
final class PlainLoads {
  private PlainLoads() {}

  /** What a load runs, for plans: the psql command and what is streamed into it. */
  static List<String> planned(ConfiguredDatabase db, DumpFormat format, Path dump, String target, List<String> prelude) {
    List<String> planned = new ArrayList<>();
    if (!prelude.isEmpty()) {
      planned.add("-- in the same transaction, before the dump:");
      planned.addAll(prelude);
    }
    planned.add(Shell.display(db.tools().load(target)) + " < " + Shell.quote(dump.toString())
        + (format == DumpFormat.PLAIN_GZIP ? " (gunzipped as it streams)" : ""));
    return planned;
  }

  /**
   * Loads the dump into {@code target}.
   *
   * @param prelude statements sent first, in the same transaction (an in-place restore's drops)
   * @param sha256 the manifest's checksum: the bytes streamed must have it
   * @param tick called about once a second (heartbeat; throws when the activity is cancelled)
   */
  static void load(ConfiguredDatabase db, String backupId, DumpFormat format, Path dump, String sha256,
      String target, List<String> prelude, Runnable tick) {
    CommandRunner.Feeder feeder = stdin -> stream(db, backupId, format, dump, sha256, prelude, stdin);
    Result r = db.tools().attempt(db.tools().load(target), tick, null, feeder);
    if (r.exitCode() == 3) {
      throw Failures.of(FailureType.INVALID_INPUT, "psql stopped at the first error while loading backup "
          + backupId + " of databases." + db.name() + " into " + target + ": " + db.tools().errors(r)
          + ". It ran in one transaction, so nothing of it was kept; the dump cannot be restored as it is"
          + " (a role it names may be missing here, or the dump is damaged)");
    }
    if (!r.ok()) {
      throw db.tools().failure(r, "psql into " + target);
    }
  }

  private static void stream(ConfiguredDatabase db, String backupId, DumpFormat format, Path dump, String sha256,
      List<String> prelude, OutputStream stdin) throws IOException {
    MessageDigest digest = BackupFiles.sha256Digest();
    PlainDumpScanner scanner = new PlainDumpScanner(null);
    try (InputStream raw = new DigestInputStream(Files.newInputStream(dump), digest);
        InputStream in = format == DumpFormat.PLAIN_GZIP ? new GZIPInputStream(raw, 1 << 16) : raw) {
      for (String statement : prelude) {
        stdin.write((statement + "\n").getBytes(StandardCharsets.UTF_8));
      }
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        scanner.feed(buf, 0, n); // before psql gets a byte of it
        stdin.write(buf, 0, n);
      }
      scanner.finish();
      raw.transferTo(OutputStream.nullOutputStream());
    } catch (PlainDumpScanner.Problem p) {
      throw corrupt(db, backupId, p.getMessage());
    } catch (EOFException | ZipException e) {
      throw corrupt(db, backupId, "its gzip stream is damaged (" + e.getMessage() + ")");
    }
    String streamed = HexFormat.of().formatHex(digest.digest());
    if (!streamed.equals(sha256)) {
      throw corrupt(db, backupId, "its bytes are not those imported (sha256 " + sha256 + ", now " + streamed + ")");
    }
    stdin.flush();
  }

  private static RuntimeException corrupt(ConfiguredDatabase db, String backupId, String why) {
    return Failures.of(FailureType.BACKUP_CORRUPT, "backup " + backupId + " of databases." + db.name()
        + " cannot be loaded: " + why + "; psql was stopped before the end, so nothing of it was kept");
  }
}
