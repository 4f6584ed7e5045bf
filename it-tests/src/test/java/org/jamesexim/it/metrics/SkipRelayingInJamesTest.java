package org.jamesexim.it.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import org.jamesexim.dcc.sim.DccifdSimulator;
import org.jamesexim.it.JamesHarness;
import org.jamesexim.it.SmtpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code skip} set to {@code relaying} on ArcVerifyHook and DccHook in a real James 3.8.1: a client in
 * {@code authorizedAddresses} (127.0.0.1, which James lets relay: {@code isRelayingAllowed()}) is neither verified nor
 * sent to dccifd, without authenticating; a client outside it (127.0.0.2) is. The default ({@code authenticated})
 * is {@link MetricsInJamesTest}'s.
 */
class SkipRelayingInJamesTest {
    static DccifdSimulator dccifd;
    static JamesHarness james;

    @BeforeAll
    static void boot() throws Exception {
        dccifd = new DccifdSimulator().listenTcp();
        String smtp = Files.readString(JamesHarness.defaultConfigDir().resolve("smtpserver.xml"));
        assertThat(smtp).contains("<authorizedAddresses>127.0.0.0/8</authorizedAddresses>")
            .contains("<handler class=\"org.jamesexim.smtp.ArcVerifyHook\"/>");
        smtp = smtp.replace("<authorizedAddresses>127.0.0.0/8</authorizedAddresses>", "<authorizedAddresses>127.0.0.1/32</authorizedAddresses>")
            .replace("<handler class=\"org.jamesexim.smtp.ArcVerifyHook\"/>",
                "<handler class=\"org.jamesexim.smtp.ArcVerifyHook\"><skip>relaying</skip></handler>\n"
                    + "<handler class=\"org.jamesexim.smtp.DccHook\"><defer_ok>true</defer_ok><skip>relaying</skip></handler>");
        String webadmin = MetricsScrape.webadminProperties();
        james = JamesHarness.builder().withoutDemo()
            .config("smtpserver.xml", smtp)
            .config("webadmin.properties", webadmin)
            .extraConfig("dcc.properties", "dccifd_address = " + dccifd.tcpAddress() + "\ndccifd_timeout = 2s\n")
            .start();
    }

    @AfterAll
    static void stop() {
        if (james != null) {
            james.close();
        }
        if (dccifd != null) {
            dccifd.close();
        }
    }

    static void send(String from, String subject) throws Exception {
        try (SmtpClient c = james.smtpFrom(from)) {
            assertThat(c.mailFrom("alice@sender.example").code).isEqualTo(250);
            assertThat(c.rcptTo(JamesHarness.DEMO_USER).code).isEqualTo(250);
            assertThat(c.data("From: alice@sender.example\r\nTo: " + JamesHarness.DEMO_USER + "\r\nSubject: " + subject
                + "\r\n\r\nhello\r\n").code).isEqualTo(250);
            c.quit();
        }
    }

    @Test
    void aRelayAllowedClientIsSkippedAndAnOutsideOneChecked() throws Exception {
        String before = MetricsScrape.of(james);
        send("127.0.0.1", "from-lan");
        assertThat(dccifd.connections()).isZero();
        send("127.0.0.2", "from-outside");
        assertThat(dccifd.connections()).isEqualTo(1);
        assertThat(dccifd.lastRequest().clientIp).isEqualTo("127.0.0.2");

        String after = MetricsScrape.of(james);
        assertThat(MetricsScrape.sample(after, "jexim_arc_skipped_total")).isEqualTo(MetricsScrape.sample(before, "jexim_arc_skipped_total") + 1);
        assertThat(MetricsScrape.sample(after, "jexim_dcc_skipped_total")).isEqualTo(MetricsScrape.sample(before, "jexim_dcc_skipped_total") + 1);
        assertThat(MetricsScrape.sample(after, "jexim_arc_state_none_total")).isEqualTo(MetricsScrape.sample(before, "jexim_arc_state_none_total") + 1);

        List<String> inbox = james.awaitMailbox(JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD, 2, Duration.ofSeconds(30));
        String lan = inbox.stream().filter(m -> m.contains("Subject: from-lan")).findFirst().orElseThrow();
        String outside = inbox.stream().filter(m -> m.contains("Subject: from-outside")).findFirst().orElseThrow();
        assertThat(lan).doesNotContain("X-DCC-");
        assertThat(outside).contains("X-DCC-SIM-Metrics");
    }
}
