package org.jamesexim.it.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.jamesexim.bmi.testing.RspamdFixture;
import org.jamesexim.dcc.sim.DccifdSimulator;
import org.jamesexim.it.CaptureSmtpServer;
import org.jamesexim.it.JamesHarness;
import org.jamesexim.it.SmtpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The pack's metrics in a real James 3.8.1, read where an operator reads them: WebAdmin {@code GET /metrics}
 * (Prometheus text, with {@code extensions.routes=org.apache.james.webadmin.dropwizard.MetricsRoutes}) and JMX (domain
 * {@code metrics}). The sample configuration of james-config/ with DccHook added (dccifd simulator), BmiRun pointed at
 * a real Rspamd, and {@code authorizedAddresses} narrowed to 127.0.0.1 so that a client on 127.0.0.2 is MX traffic.
 * One message from the outside moves ARC, DCC and BMI; one authenticated submission is skipped by ArcVerifyHook and
 * DccHook ({@code skip} left at its default, {@code authenticated}). One relayed mail refused by the next hop moves
 * DsnInfoRemoteDelivery's metrics.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsInJamesTest {
    static RspamdFixture rspamd;
    static DccifdSimulator dccifd;
    static CaptureSmtpServer remote;
    static JamesHarness james;

    /** An ARC set whose key is not published: a key lookup, then arc_state fail. */
    static String brokenArcMessage(String subject) throws Exception {
        String body = "Hello metrics\r\n";
        String bh = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.US_ASCII)));
        return "ARC-Seal: i=1; a=rsa-sha256; cv=none; d=x.example; s=s; b=AAAA\r\n"
            + "ARC-Message-Signature: i=1; a=rsa-sha256; d=x.example; s=s; h=from; b=AAAA; bh=" + bh + "\r\n"
            + "ARC-Authentication-Results: i=1; mx.x.example; spf=pass\r\n"
            + "From: Alice <alice@sender.example>\r\nTo: demo@example.test\r\nSubject: " + subject + "\r\nDate: "
            + java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(java.time.ZonedDateTime.now()) + "\r\nMessage-ID: <"
            + subject + "@sender.example>\r\n\r\n" + body;
    }

    @BeforeAll
    static void boot() throws Exception {
        rspamd = RspamdFixture.start();
        dccifd = new DccifdSimulator().listenTcp();
        String smtp = Files.readString(JamesHarness.defaultConfigDir().resolve("smtpserver.xml"));
        assertThat(smtp).contains("<authorizedAddresses>127.0.0.0/8</authorizedAddresses>")
            .contains("<handler class=\"org.jamesexim.smtp.ArcVerifyHook\"/>");
        smtp = smtp.replace("<authorizedAddresses>127.0.0.0/8</authorizedAddresses>", "<authorizedAddresses>127.0.0.1/32</authorizedAddresses>")
            .replace("<handler class=\"org.jamesexim.smtp.ArcVerifyHook\"/>",
                "<handler class=\"org.jamesexim.smtp.ArcVerifyHook\"/>\n<handler class=\"org.jamesexim.smtp.DccHook\"><defer_ok>true</defer_ok></handler>");
        String mailets = Files.readString(JamesHarness.defaultConfigDir().resolve("mailetcontainer.xml"));
        assertThat(mailets).contains("<endpoint>127.0.0.1 11333</endpoint>");
        mailets = mailets.replace("<endpoint>127.0.0.1 11333</endpoint>", "<endpoint>" + rspamd.endpoint() + "</endpoint>");
        // DsnInfoRemoteDelivery relays to a server that refuses nobody@remote.example at RCPT
        remote = new CaptureSmtpServer(0, null, java.util.Set.of("nobody@remote.example"), null);
        String anchor = "<bounceProcessor>bounces</bounceProcessor>";
        assertThat(mailets).contains(anchor);
        mailets = mailets.replace(anchor, anchor + "<gateway>127.0.0.1</gateway><gatewayPort>" + remote.port() + "</gatewayPort>");
        String webadmin = MetricsScrape.webadminProperties();
        james = JamesHarness.builder().withoutDemo()
            .config("smtpserver.xml", smtp)
            .config("mailetcontainer.xml", mailets)
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
        if (rspamd != null) {
            rspamd.close();
        }
        if (remote != null) {
            try {
                remote.close();
            } catch (java.io.IOException ignored) {
                // going away anyway
            }
        }
    }

    static String scrape() throws Exception {
        return MetricsScrape.of(james);
    }

    static double sample(String scrape, String name) {
        return MetricsScrape.sample(scrape, name);
    }

    /** The count of a meter in JMX, under the MBean name the docs give (as JConsole or VisualVM show it); 0 before its first use. */
    static long jmxCount(String metric) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("metrics:name=" + metric + ",type=meters");
        return server.isRegistered(name) ? ((Number) server.getAttribute(name, "Count")).longValue() : 0;
    }

    /** demo's INBOX once a mail with this subject is in it (the tests of this class share the mailbox). */
    static List<String> awaitSubject(String subject) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            List<String> inbox = james.awaitMailbox(JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD, 1, Duration.ofSeconds(30));
            if (inbox.stream().anyMatch(m -> m.contains("Subject: " + subject + "\r\n")) || System.nanoTime() > end) {
                assertThat(inbox).anyMatch(m -> m.contains("Subject: " + subject + "\r\n"));
                return inbox;
            }
            Thread.sleep(200);
        }
    }

    static void awaitCount(String prometheusName, double atLeast) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (sample(scrape(), prometheusName) < atLeast && System.nanoTime() < end) {
            Thread.sleep(100);
        }
    }

    @Test
    @Order(1)
    void mxTrafficMovesArcDccAndBmiAndSubmissionIsSkipped() throws Exception {
        String before = scrape();
        long arcFailJmx = jmxCount("jexim.arc_state.fail");

        // MX traffic: a client that neither authenticated nor may relay
        try (SmtpClient c = james.smtpFrom("127.0.0.2")) {
            assertThat(c.mailFrom("alice@sender.example").code).isEqualTo(250);
            assertThat(c.rcptTo(JamesHarness.DEMO_USER).code).isEqualTo(250);
            assertThat(c.data(brokenArcMessage("mx-traffic")).code).isEqualTo(250);
            c.quit();
        }
        awaitSubject("mx-traffic");
        awaitCount("jexim_bmi_verdicts_default_total", sample(before, "jexim_bmi_verdicts_default_total") + 1);
        String afterMx = scrape();
        assertThat(sample(afterMx, "jexim_arc_state_fail_total")).isEqualTo(sample(before, "jexim_arc_state_fail_total") + 1);
        assertThat(sample(afterMx, "jexim_arc_dns_count")).isGreaterThanOrEqualTo(sample(before, "jexim_arc_dns_count") + 1);
        assertThat(sample(afterMx, "jexim_dcc_result_A_total")).isEqualTo(sample(before, "jexim_dcc_result_A_total") + 1);
        assertThat(sample(afterMx, "jexim_dcc_dccifd_count")).isEqualTo(sample(before, "jexim_dcc_dccifd_count") + 1);
        assertThat(sample(afterMx, "jexim_bmi_verdicts_default_total")).isEqualTo(sample(before, "jexim_bmi_verdicts_default_total") + 1);
        assertThat(sample(afterMx, "jexim_bmi_rspamd_count")).isEqualTo(sample(before, "jexim_bmi_rspamd_count") + 1);
        // a timer is a summary in seconds, with its quantiles
        assertThat(afterMx).containsPattern("(?m)^jexim_dcc_dccifd\\{quantile=\"0\\.99\",\\} [0-9.eE+-]+$");
        // the same counters in JMX, under the names the docs give
        assertThat(jmxCount("jexim.arc_state.fail")).isEqualTo(arcFailJmx + 1);
        assertThat(jmxCount("jexim.dcc_result.A")).isEqualTo((long) sample(afterMx, "jexim_dcc_result_A_total"));
        assertThat(ManagementFactory.getPlatformMBeanServer().isRegistered(new ObjectName("metrics:name=jexim.arc.dns,type=timers"))).isTrue();

        // submission: an authenticated client's mail is neither ARC-verified nor sent to dccifd
        int dccConnections = dccifd.connections();
        try (SmtpClient c = james.smtpFrom("127.0.0.3")) {
            assertThat(c.authPlain(JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD).code).isEqualTo(235);
            assertThat(c.mailFrom(JamesHarness.DEMO_USER).code).isEqualTo(250);
            assertThat(c.rcptTo(JamesHarness.DEMO_USER).code).isEqualTo(250);
            assertThat(c.data(brokenArcMessage("submission").replace("alice@sender.example", JamesHarness.DEMO_USER)).code).isEqualTo(250);
            c.quit();
        }
        List<String> inbox = awaitSubject("submission");
        String afterSubmission = scrape();
        assertThat(sample(afterSubmission, "jexim_arc_skipped_total")).isEqualTo(sample(afterMx, "jexim_arc_skipped_total") + 1);
        assertThat(sample(afterSubmission, "jexim_dcc_skipped_total")).isEqualTo(sample(afterMx, "jexim_dcc_skipped_total") + 1);
        assertThat(sample(afterSubmission, "jexim_arc_state_fail_total")).isEqualTo(sample(afterMx, "jexim_arc_state_fail_total"));
        assertThat(sample(afterSubmission, "jexim_dcc_dccifd_count")).isEqualTo(sample(afterMx, "jexim_dcc_dccifd_count"));
        assertThat(dccifd.connections()).isEqualTo(dccConnections);
        // the MX copy was verified and checked (its headers show it), the submitted one was not
        String mx = inbox.stream().filter(m -> m.contains("Subject: mx-traffic")).findFirst().orElseThrow();
        String submitted = inbox.stream().filter(m -> m.contains("Subject: submission")).findFirst().orElseThrow();
        assertThat(mx).contains("X-DCC-SIM-Metrics");
        assertThat(submitted).doesNotContain("X-DCC-SIM-Metrics");
    }

    /** Last: its bounce to demo goes through BmiRun too, which would move the BMI counts the first test reads. */
    @Test
    @Order(2)
    void aRelayedMailRefusedAtRcptMovesDsnInfo() throws Exception {
        String before = scrape();
        try (SmtpClient c = james.smtpFrom("127.0.0.4")) {
            assertThat(c.authPlain(JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD).code).isEqualTo(235);
            assertThat(c.mailFrom(JamesHarness.DEMO_USER).code).isEqualTo(250);
            assertThat(c.rcptTo("nobody@remote.example").code).isEqualTo(250);
            assertThat(c.data("From: " + JamesHarness.DEMO_USER + "\r\nTo: nobody@remote.example\r\nSubject: relayed\r\n\r\nhi\r\n").code)
                .isEqualTo(250);
            c.quit();
        }
        awaitCount("jexim_smtp_failed_command_RCPT_total", sample(before, "jexim_smtp_failed_command_RCPT_total") + 1);
        String after = scrape();
        assertThat(sample(after, "jexim_smtp_failed_command_RCPT_total")).isEqualTo(sample(before, "jexim_smtp_failed_command_RCPT_total") + 1);
        assertThat(sample(after, "jexim_dsn_info_host_count")).isEqualTo(sample(before, "jexim_dsn_info_host_count") + 1);
        assertThat(sample(after, "jexim_dsn_info_attempt_timeout_total")).isZero();
    }
}
