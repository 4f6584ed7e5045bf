package org.jamesexim.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

class EndpointTest {

    @Test
    void slashMeansUnixSocket() {
        Endpoint e = Endpoint.parse("/var/run/dovecot/auth-client");
        assertThat(e.isUnix()).isTrue();
        assertThat(e.path()).isEqualTo("/var/run/dovecot/auth-client");
        assertThat(e).hasToString("unix:/var/run/dovecot/auth-client");
    }

    @Test
    void hostSpacePortAndHostColonPort() {
        assertThat(Endpoint.parse("127.0.0.1 12345")).isEqualTo(Endpoint.tcp("127.0.0.1", 12345));
        assertThat(Endpoint.parse("  mail.example.test:1025 ")).isEqualTo(Endpoint.tcp("mail.example.test", 1025));
        assertThat(Endpoint.parse("[::1]:10030")).isEqualTo(Endpoint.tcp("::1", 10030));
        assertThat(Endpoint.parse("::1 10030")).hasToString("[::1]:10030");
    }

    @Test
    void badValuesAreNamedInTheError() {
        assertThatThrownBy(() -> Endpoint.parse("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Endpoint.parse("localhost")).hasMessageContaining("'localhost'");
        assertThatThrownBy(() -> Endpoint.parse("localhost port")).hasMessageContaining("bad port");
        assertThatThrownBy(() -> Endpoint.parse("localhost 70000")).hasMessageContaining("out of range");
    }

    @Test
    void tcpConnectAppliesReadTimeout() throws Exception {
        try (ServerSocket server = new ServerSocket(0);
             Socket s = Endpoint.tcp("127.0.0.1", server.getLocalPort()).connect(Duration.ofSeconds(2), Duration.ofMillis(200));
             Socket accepted = server.accept()) {
            assertThat(accepted.isConnected()).isTrue();
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void refusedConnectionNamesTheEndpoint() throws Exception {
        int port;
        try (ServerSocket server = new ServerSocket(0)) {
            port = server.getLocalPort();
        }
        Endpoint e = Endpoint.tcp("127.0.0.1", port);
        assertThatThrownBy(() -> e.connect(Duration.ofSeconds(1), Duration.ofSeconds(1)))
            .isInstanceOf(IOException.class).hasMessageContaining("127.0.0.1:" + port);
    }

    @Test
    void unixSocketRoundTrip(@TempDir Path dir) throws Exception {
        Path sock = dir.resolve("echo.sock");
        try (AFUNIXServerSocket server = AFUNIXServerSocket.newInstance()) {
            server.bind(AFUNIXSocketAddress.of(sock.toFile()));
            Thread t = new Thread(() -> {
                try (Socket c = server.accept(); InputStream in = c.getInputStream(); OutputStream out = c.getOutputStream()) {
                    out.write(in.read());
                } catch (IOException ignored) {
                    // test ends
                }
            });
            t.start();
            try (Socket s = Endpoint.parse(sock.toString()).connect(Duration.ofSeconds(2), Duration.ofSeconds(2))) {
                s.getOutputStream().write('x');
                assertThat(s.getInputStream().read()).isEqualTo('x');
            }
            t.join(2000);
        }
    }

    @Test
    void missingUnixSocketIsAClearError(@TempDir Path dir) {
        Path sock = dir.resolve("absent.sock");
        assertThat(Files.exists(sock)).isFalse();
        assertThatThrownBy(() -> Endpoint.unix(sock.toString()).connect(Duration.ofSeconds(1), Duration.ofSeconds(1)))
            .isInstanceOf(IOException.class).hasMessageContaining("does not exist");
    }
}
