package dev.runbook.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the figures were measured on: CPU, memory, OS, Java, and the commit. */
record Machine(String cpu, int cores, String memory, String os, String java, String commit) {

  static Machine here(Path checkout) {
    return new Machine(
        cpuModel(),
        Runtime.getRuntime().availableProcessors(),
        memTotal(),
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
        commit(checkout));
  }

  String describe() {
    return cpu + ", " + cores + " cores; " + memory + " RAM; " + os + "; " + java + "; commit " + commit;
  }

  private static String cpuModel() {
    return grep(Path.of("/proc/cpuinfo"), "model name", "unknown CPU");
  }

  private static String memTotal() {
    String kb = grep(Path.of("/proc/meminfo"), "MemTotal", "").replaceAll("[^0-9]", "");
    return kb.isEmpty() ? "unknown" : Figures.format(Long.parseLong(kb) / 1024.0 / 1024.0) + " GiB";
  }

  private static String grep(Path file, String key, String otherwise) {
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith(key) && line.contains(":")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // not Linux: say so below
    }
    return otherwise;
  }

  private static String commit(Path checkout) {
    try {
      Process p = new ProcessBuilder(List.of("git", "-C", checkout.toString(), "describe", "--always", "--dirty"))
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      return p.waitFor() == 0 && !out.isEmpty() ? out : "unknown";
    } catch (IOException e) {
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }
}
