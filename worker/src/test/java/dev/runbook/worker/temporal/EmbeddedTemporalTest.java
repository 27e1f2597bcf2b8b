package dev.runbook.worker.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.util.Collections;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** dev's embedded Temporal server answers on 127.0.0.1 and nowhere else. */
class EmbeddedTemporalTest {
  @Test
  void answersOnLoopbackAndRefusesThisMachinesOtherAddresses() throws Exception {
    Optional<InetAddress> outside = firstNonLoopbackAddress();
    assumeTrue(outside.isPresent(), "this machine has no address besides loopback");

    try (EmbeddedTemporal server = EmbeddedTemporal.start(0)) {
      assertThat(server.address()).isEqualTo("127.0.0.1:" + server.port());

      // A real gRPC call on loopback.
      WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
          WorkflowServiceStubsOptions.newBuilder().setTarget(server.address()).build());
      try {
        assertThat(stubs.blockingStub().getSystemInfo(GetSystemInfoRequest.getDefaultInstance())).isNotNull();
      } finally {
        stubs.shutdownNow();
      }

      InetSocketAddress there = new InetSocketAddress(outside.get(), server.port());
      System.out.println("embedded Temporal on " + server.address() + "; trying " + there);
      assertThatThrownBy(() -> {
        try (Socket s = new Socket()) {
          s.connect(there, 2000);
        }
      }).isInstanceOf(java.net.ConnectException.class).hasMessageContaining("refused");
    }
  }

  /** The first address of an interface that is up and not loopback, IPv4 first. */
  private static Optional<InetAddress> firstNonLoopbackAddress() throws SocketException {
    InetAddress v6 = null;
    for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nif.isUp() || nif.isLoopback()) {
        continue;
      }
      for (InetAddress a : Collections.list(nif.getInetAddresses())) {
        if (a.isLoopbackAddress() || a.isLinkLocalAddress()) {
          continue;
        }
        if (a instanceof Inet4Address) {
          return Optional.of(a);
        }
        v6 = v6 == null ? a : v6;
      }
    }
    return Optional.ofNullable(v6);
  }
}
