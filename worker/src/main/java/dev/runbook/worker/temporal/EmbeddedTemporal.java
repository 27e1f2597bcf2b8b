package dev.runbook.worker.temporal;

import io.temporal.testserver.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * The Temporal Java test server, started in this process for {@code dev} and {@code demo}. It
 * keeps all state in memory and runs in real time; it makes no durability promise (a run does
 * not survive this process), which is why the crash tests use the real server.
 */
public final class EmbeddedTemporal implements AutoCloseable {
  private final TestServer.PortBoundTestServer server;
  private final int port;

  private EmbeddedTemporal(TestServer.PortBoundTestServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /** Starts the server on {@code port}, or on a free one when {@code port} is 0. */
  public static EmbeddedTemporal start(int port) {
    int chosen = port == 0 ? freePort() : port;
    ensureFree(chosen);
    return new EmbeddedTemporal(TestServer.createPortBoundServer(chosen, true), chosen);
  }

  public int port() {
    return port;
  }

  /** The address clients use. The test server listens on every interface; we connect locally. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  @Override
  public void close() {
    server.close();
  }

  private static void ensureFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(port));
    } catch (IOException e) {
      throw new IllegalStateException(
          "port " + port + " is in use, so the embedded Temporal server cannot start: stop what"
              + " holds it (another `runbook dev`?) or set temporal.embeddedPort in the config");
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
