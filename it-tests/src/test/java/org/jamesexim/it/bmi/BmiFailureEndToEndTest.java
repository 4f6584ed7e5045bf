package org.jamesexim.it.bmi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.jamesexim.bmi.testing.RspamdFixture;
import org.jamesexim.it.JamesHarness;
import org.junit.jupiter.api.Test;

/** Rspamd down: fail-open delivers normally; fail-closed holds the mail and delivers it once Rspamd is back. */
class BmiFailureEndToEndTest {

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
