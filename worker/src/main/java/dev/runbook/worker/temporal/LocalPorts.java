package dev.runbook.worker.temporal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;

/** Ports of the Temporal servers {@code dev} runs on this machine, which listen on 127.0.0.1 only. */
final class LocalPorts {
  static final String HOST = "127.0.0.1";

  private LocalPorts() {}

  static InetAddress loopback() {
    try {
      return InetAddress.getByName(HOST);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("cannot resolve " + HOST, e);
    }
  }

  /** A port free on 127.0.0.1 now. */
  static int free() {
    try (ServerSocket s = new ServerSocket(0, 0, loopback())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The port, if nothing listens on it on any interface (something listening anywhere on it would
   * be confusing); else an error naming the port, what usually holds it and the setting to change.
   */
  static int ensureFree(int port, String server, String usualHolders, String key) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(port));
      return port;
    } catch (IOException e) {
      throw new IllegalStateException("port " + port + " is in use, so the " + server + " cannot start: stop"
          + " what holds it (" + usualHolders + ") or set " + key + " in the config to a free port");
    }
  }
}
