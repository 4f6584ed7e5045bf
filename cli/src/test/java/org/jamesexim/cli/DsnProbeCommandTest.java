package org.jamesexim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DsnProbeCommandTest {
    /** A scripted SMTP peer: the greeting, then one reply per command verb. */
    private static Thread peer(ServerSocket ss, String greeting, Map<String, String> replies, List<String> seen) {
        Thread t = new Thread(() -> {
            try (Socket s = ss.accept()) {
                BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                OutputStream w = s.getOutputStream();
                w.write(greeting.getBytes(StandardCharsets.US_ASCII));
                String line;
                while ((line = r.readLine()) != null) {
                    seen.add(line);
                    String verb = line.split("[ :]")[0];
                    w.write(replies.getOrDefault(verb, "250 ok\r\n").getBytes(StandardCharsets.US_ASCII));
                    if (verb.equals("QUIT")) {
                        break;
                    }
                }
            } catch (Exception ignored) {
                // the test asserts on what the command printed
            }
        });
        t.start();
        return t;
    }

    private static int run(ByteArrayOutputStream out, String... args) throws Exception {
        return new DsnProbeCommand().run(List.of(args), new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, "UTF-8"),
            new PrintStream(new ByteArrayOutputStream(), true, "UTF-8"));
    }

    @Test
    void refusedRecipientPrintsTheFieldsAndExitsOne() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<String> seen = new ArrayList<>();
            Thread t = peer(ss, "220-mx.peer.test ESMTP\r\n220 ready\r\n",
                Map.of("EHLO", "250-mx.peer.test hello\r\n250 8BITMIME\r\n", "RCPT", "550 5.1.1 \u001bno\r\nX-Evil: 1\r\n"), seen);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = run(out, "--server", "127.0.0.1 " + ss.getLocalPort(), "--to", "bob@peer.test", "--helo", "probe.test");
            t.join(5000);
            String text = out.toString(StandardCharsets.UTF_8);
            assertThat(code).isEqualTo(1);
            assertThat(text).contains("Status: 5.1.1\n", "Remote-MTA: X-ip; [127.0.0.1]:" + ss.getLocalPort() + "\n",
                "X-Remote-MTA-smtp-greeting: X-str; 220-mx.peer.test ESMTP\n", "X-Remote-MTA-helo-response: X-str; 250-mx.peer.test hello\n",
                "X-James-Exim-Diagnostic: X-str; SMTP error from remote mail server after RCPT\n TO:<bob@peer.test>: 550 5.1.1 ?no\n");
            assertThat(text).doesNotContain("\nX-Evil");
            assertThat(seen).contains("EHLO probe.test", "MAIL FROM:<>", "RCPT TO:<bob@peer.test>", "QUIT").doesNotContain("DATA");
        }
    }

    @Test
    void refusedGreetingIsReportedAsInitialConnection() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread t = peer(ss, "554 5.7.1 no service for you\r\n", Map.of(), new ArrayList<>());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = run(out, "--server", "127.0.0.1 " + ss.getLocalPort(), "--to", "bob@peer.test");
            t.interrupt();
            assertThat(code).isEqualTo(1);
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("after\n initial connection: 554 5.7.1 no service for you")
                .doesNotContain("X-Remote-MTA-helo-response");
        }
    }

    @Test
    void unreachableServerExits75() throws Exception {
        int port;
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = ss.getLocalPort();
        }
        assertThat(run(new ByteArrayOutputStream(), "--server", "127.0.0.1 " + port, "--to", "a@b", "--timeout", "2s")).isEqualTo(75);
    }
}
