package org.jamesexim.it.bmi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.jamesexim.bmi.testing.RspamdFixture;
import org.jamesexim.it.JamesHarness;
import org.junit.jupiter.api.Test;

/**
 * Rspamd down: fail-open delivers normally; fail-closed holds the mail and delivers it once Rspamd is back. Rspamd
 * hung (SIGSTOP): the scan ends at its deadline and fail-open delivers; the SMTP client only ever sees 250.
 */
class BmiFailureEndToEndTest {

    /** The rspamd processes this JVM runs (Rspamd rewrites its command line, so they are found by parentage). */
    static java.util.Set<ProcessHandle> rspamdProcesses() {
        return ProcessHandle.current().children()
            .filter(p -> p.info().command().map(c -> c.endsWith("rspamd")).orElse(false))
            .flatMap(p -> java.util.stream.Stream.concat(java.util.stream.Stream.of(p), p.descendants()))
            .collect(java.util.stream.Collectors.toSet());
    }

    /** Sends SIGSTOP or SIGCONT to each of these processes (a main process and its workers). */
    static void signal(java.util.Set<ProcessHandle> processes, String signal) throws Exception {
        assertThat(processes).as("rspamd processes").isNotEmpty();
        for (ProcessHandle p : processes) {
            assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor()).isZero();
        }
    }

    @Test
    void hungRspamdEndsAtTheScanDeadlineAndFailOpenDelivers() throws Exception {
        java.util.Set<ProcessHandle> others = rspamdProcesses();
        try (RspamdFixture rspamd = RspamdFixture.start()) {
            java.util.Set<ProcessHandle> ours = rspamdProcesses();
            ours.removeAll(others);
            String xml = BmiEndToEndTest.sampleMailetContainer(rspamd.endpoint(), "\n                <scan_timeout>3s</scan_timeout>")
                .replace("<timeout>10s</timeout>", "<timeout>2s</timeout>");
            try (JamesHarness james = JamesHarness.builder().config("mailetcontainer.xml", xml).start()) {
                signal(ours, "STOP");
                try {
                    String subject = "hung-" + System.nanoTime();
                    long t0 = System.nanoTime();
                    assertThat(james.send("alice@example.com", List.of(JamesHarness.DEMO_USER),
                        BmiEndToEndTest.message(List.of(JamesHarness.DEMO_USER), subject, RspamdFixture.MARKER)).code).isEqualTo(250);
                    List<String> inbox = BmiEndToEndTest.await(james, JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD, "INBOX", subject, 1,
                        Duration.ofSeconds(20));
                    assertThat(inbox).hasSize(1);
                    assertThat(inbox.get(0)).doesNotContain("X-Brightmail-Verdict");
                    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
                } finally {
                    signal(ours, "CONT");
                }
            }
        }
    }

    @Test
    void failOpenDeliversWithoutVerdictWhenRspamdIsDown() throws Exception {
        int closed = RspamdFixture.freePort();
        try (JamesHarness james = JamesHarness.builder()
            .config("mailetcontainer.xml", BmiEndToEndTest.sampleMailetContainer("127.0.0.1 " + closed, ""))
            .start()) {
            String subject = "fail-open-" + System.nanoTime();
            assertThat(james.send("alice@example.com", List.of(JamesHarness.DEMO_USER),
                BmiEndToEndTest.message(List.of(JamesHarness.DEMO_USER), subject, RspamdFixture.MARKER)).code).isEqualTo(250);
            List<String> inbox = BmiEndToEndTest.await(james, JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD, "INBOX", subject, 1,
                Duration.ofSeconds(20));
            assertThat(inbox).hasSize(1);
            assertThat(inbox.get(0)).doesNotContain("X-Brightmail-Verdict");
        }
    }

    @Test
    void failClosedRetriesUntilRspamdIsBackAndLosesNothing() throws Exception {
        int port = RspamdFixture.freePort();
        String failClosed = "\n                <on_error>fail_closed</on_error>\n                <retry_delay>1s</retry_delay>\n"
            + "                <retry_max>60</retry_max>";
        String xml = BmiEndToEndTest.sampleMailetContainer("127.0.0.1 " + port, failClosed)
            .replace("<on_error>fail_open</on_error>", "");
        try (JamesHarness james = JamesHarness.builder().config("mailetcontainer.xml", xml).start()) {
            String subject = "fail-closed-" + System.nanoTime();
            assertThat(james.send("alice@example.com", List.of(JamesHarness.DEMO_USER),
                BmiEndToEndTest.message(List.of(JamesHarness.DEMO_USER), subject, RspamdFixture.MARKER)).code).isEqualTo(250);
            // Rspamd is down: the mail waits in the spool, it is neither delivered nor dropped
            Thread.sleep(3000);
            assertThat(BmiEndToEndTest.await(james, JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD, "INBOX", subject, 1, Duration.ZERO)).isEmpty();
            assertThat(BmiEndToEndTest.await(james, JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD, "Junk", subject, 1, Duration.ZERO)).isEmpty();
            try (RspamdFixture rspamd = RspamdFixture.start(port)) {
                List<String> junk = BmiEndToEndTest.await(james, JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD, "Junk", subject, 1,
                    Duration.ofSeconds(30));
                assertThat(junk).hasSize(1);
                assertThat(BmiEndToEndTest.verdictHeader(junk.get(0)).action()).isEqualTo("add header");
            }
        }
    }
}
