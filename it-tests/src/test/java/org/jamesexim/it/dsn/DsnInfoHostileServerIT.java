package org.jamesexim.it.dsn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.jamesexim.it.JamesHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sample's DsnInfoRemoteDelivery and DsnInfoBounce against a hostile remote MX (a scripted server in this test):
 * one that trickles its greeting one byte a second (James's per-read timeout never fires), one whose EHLO reply never
 * ends, one whose refusal carries CR, bare LF, NUL, 8-bit bytes and a would-be header line. Each mail comes back to
 * the sender as a bounce, within {@code attemptTimeout} or the reply caps, and nothing the server wrote becomes a
 * field of the bounce.
 */
class DsnInfoHostileServerIT {
    enum Mode { TRICKLE, ENDLESS_EHLO, INJECT }

    static volatile Mode mode = Mode.INJECT;
    static HostileMx mx;
    static JamesHarness james;

    @BeforeAll
    static void boot() throws Exception {
        mx = new HostileMx();
        String xml = DsnInfoIT.sampleWithGateway(mx.port())
            .replace("<delayTime>5000, 100000, 500000</delayTime>", "<delayTime>300</delayTime>")
            .replace("<maxRetries>3</maxRetries>", "<maxRetries>0</maxRetries><attemptTimeout>3s</attemptTimeout>");
        assertThat(xml).contains("<attemptTimeout>3s</attemptTimeout>");
        james = JamesHarness.builder().config("mailetcontainer.xml", xml).start();
    }

    @AfterAll
    static void stop() throws IOException {
        if (james != null) {
            james.close();
        }
        if (mx != null) {
            mx.close();
        }
    }

    static String bounceOf(String subject) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            List<String> box = james.awaitMailbox(JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD, 0, Duration.ZERO);
            for (String m : box) {
                if (m.contains("Subject: " + subject) && m.contains("message/delivery-status")) {
                    return m;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no bounce for " + subject);
    }

    static void send(String subject) throws Exception {
        assertThat(james.send(JamesHarness.DEMO_USER, List.of("nobody@remote.test"),
            "From: demo@example.test\r\nTo: nobody@remote.test\r\nSubject: " + subject + "\r\n\r\nhello\r\n").code).isEqualTo(250);
    }

    /** The delivery-status part of a bounce. */
    static String status(String bounce) {
        int start = bounce.indexOf("Content-Type: message/delivery-status");
        int end = bounce.indexOf("\r\n--", start);
        return bounce.substring(start, end);
    }

    /** Before: the attempt read the trickled greeting for as long as it came (the per-read timeout never fired). */
    @Test
    void aGreetingTrickledOneByteASecondEndsAtTheAttemptTimeout() throws Exception {
        mode = Mode.TRICKLE;
        String subject = "trickle-" + System.nanoTime();
        long t0 = System.nanoTime();
        send(subject);
        String bounce = bounceOf(subject);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
        assertThat(status(bounce)).contains("Action: failed").contains("Diagnostic-Code: X-James;");
    }

    /** Before: javax.mail read an EHLO reply that never ends, keeping every line, until the heap or the server gave out. */
    @Test
    void anEndlessEhloReplyIsCutAtTheReplyCap() throws Exception {
        mode = Mode.ENDLESS_EHLO;
        String subject = "endless-" + System.nanoTime();
        send(subject);
        String bounce = bounceOf(subject);
        assertThat(status(bounce)).contains("Action: failed")
            .contains("X-Remote-MTA-smtp-greeting: X-str; 220 hostile.test ESMTP\r\n");
        assertThat(status(bounce).length()).isLessThan(5000);
    }

    @Test
    void controlBytesAndFakeHeaderLinesInARefusalStayInsideTheirField() throws Exception {
        mode = Mode.INJECT;
        String subject = "inject-" + System.nanoTime();
        send(subject);
        String status = status(bounceOf(subject));
        assertThat(status).contains("Status: 5.1.1").contains("X-James-Exim-Diagnostic: X-str; SMTP error from remote mail server after");
        for (String line : status.split("\r\n")) {
            assertThat(line).as("a line of the delivery-status part").doesNotStartWith("X-Injected")
                .doesNotStartWith("Final-Recipient: rfc822; evil").matches("[ -~]*");
        }
        assertThat(status.replace("\r\n ", " ")).contains("550-X-Injected: yes");
    }

    /** A scripted MX: what it does depends on {@link #mode} when the connection comes. */
    static final class HostileMx implements AutoCloseable {
        final ServerSocket socket;
        final AtomicInteger connections = new AtomicInteger();

        HostileMx() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket c = socket.accept();
                        connections.incrementAndGet();
                        Mode m = mode;
                        Thread h = new Thread(() -> serve(c, m), "hostile-mx");
                        h.setDaemon(true);
                        h.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "hostile-mx-accept");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private static void serve(Socket c, Mode m) {
            try (c) {
                OutputStream out = c.getOutputStream();
                BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.ISO_8859_1));
                if (m == Mode.TRICKLE) {
                    for (int i = 0; i < 3600; i++) {
                        out.write(i < 4 ? "220 ".charAt(i) : 'x');
                        out.flush();
                        Thread.sleep(1000);
                    }
                    return;
                }
                write(out, "220 hostile.test ESMTP\r\n");
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    String cmd = line.toUpperCase(java.util.Locale.ROOT);
                    if (cmd.startsWith("EHLO") && m == Mode.ENDLESS_EHLO) {
                        byte[] chunk = ("250-" + "x".repeat(70) + "\r\n").repeat(100).getBytes(StandardCharsets.US_ASCII);
                        while (true) {
                            out.write(chunk);
                        }
                    } else if (cmd.startsWith("EHLO")) {
                        write(out, "250-hostile.test\r\n250 8BITMIME\r\n");
                    } else if (cmd.startsWith("RCPT")) {
                        write(out, "550-5.1.1 bad\r\n550-X-Injected: yes\r\n550-Final-Recipient: rfc822; evil\u0000\u00e9\r\r\n"
                            + "550-bare\nlf\r\n550 5.1.1 end\r\n");
                    } else if (cmd.startsWith("QUIT")) {
                        write(out, "221 bye\r\n");
                        return;
                    } else {
                        write(out, "250 ok\r\n");
                    }
                }
            } catch (IOException | InterruptedException e) {
                // James gave up or closed
            }
        }

        private static void write(OutputStream out, String s) throws IOException {
            out.write(s.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
