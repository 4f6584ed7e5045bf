package org.jamesexim.it.dcc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.utils.MailRepositoryProbeImpl;
import org.jamesexim.dcc.sim.DccifdSimulator;
import org.jamesexim.dcc.sim.DccifdSimulator.Fault;
import org.jamesexim.it.JamesHarness;
import org.jamesexim.it.SmtpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * DCC in a real James 3.8.1 against the dccifd simulator: the example configuration files
 * {@code james-config/examples/dcc-smtpserver.xml} (DccHook) and {@code dcc-mailetcontainer.xml} (Dcc matcher)
 * exactly as shipped, with {@code conf/dcc.properties} pointing at the simulator.
 */
class DccEndToEndTest {
    static final Path EXAMPLES = JamesHarness.defaultConfigDir().resolve("examples");
    static final MailRepositoryUrl BULK = MailRepositoryUrl.from("memory://var/mail/dcc-bulk/");
    static final String DEMO = JamesHarness.DEMO_USER;
    static final String PASSWORD = JamesHarness.DEMO_PASSWORD;

    static String message(String subject) {
        return "From: alice@sender.example\r\nTo: demo@example.test\r\nSubject: " + subject + "\r\nMessage-ID: <" + subject
            + "@sender.example>\r\n\r\nHello DCC world, " + subject + ".\r\n.leading dot line\r\n";
    }

    static String example(String name) throws Exception {
        return Files.readString(EXAMPLES.resolve(name));
    }

    /** The shipped examples (dcc-smtpserver.xml changed by {@code smtp}, dcc-mailetcontainer.xml) with this dcc.properties. */
    static JamesHarness.Builder examples(UnaryOperator<String> smtp, String dccProperties) throws Exception {
        return JamesHarness.builder()
            .config("smtpserver.xml", smtp.apply(example("dcc-smtpserver.xml")))
            .configFile("mailetcontainer.xml", EXAMPLES.resolve("dcc-mailetcontainer.xml"))
            .extraConfig("dcc.properties", dccProperties);
    }

    /** The dcc.properties of dccifd {@code sim} over TCP. */
    static String dccifd(DccifdSimulator sim, String timeout) {
        return "dccifd_address = " + sim.tcpAddress() + "\ndccifd_timeout = " + timeout + "\n";
    }

    static String withoutDeferOk(String smtp) {
        assertThat(smtp).contains("<defer_ok>true</defer_ok>");
        return smtp.replace("<defer_ok>true</defer_ok>", "<defer_ok>false</defer_ok>");
    }

    static long bulkCount(JamesHarness james) throws Exception {
        return james.server().getProbe(MailRepositoryProbeImpl.class).getRepositoryMailCount(BULK);
    }

    static List<String> inbox(JamesHarness james, int count) throws Exception {
        return james.awaitMailbox(DEMO, PASSWORD, count, Duration.ofSeconds(20));
    }

    /** The shipped examples: DccHook (defer_ok) at SMTP time, the Dcc matcher in the root processor, dccifd over TCP. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class HookAndMatcherOverTcp {
        DccifdSimulator sim;
        JamesHarness james;
        int delivered;

        @BeforeAll
        void boot() throws Exception {
            sim = new DccifdSimulator().listenTcp();
            james = examples(smtp -> smtp, dccifd(sim, "1s")).start();
        }

        @AfterAll
        void stop() {
            james.close();
            sim.close();
        }

        @BeforeEach
        void reset() {
            sim.force(null).greylist(false, Duration.ZERO).fault(Fault.NONE).clear();
        }

        @Test
        void acceptedMailIsDeliveredWithTheXDccHeaderAndAskedOnce() throws Exception {
            int before = sim.connections();
            SmtpClient.Reply r = james.send("alice@sender.example", List.of(DEMO), message("accepted"));
            assertThat(r.code).isEqualTo(250);
            String mail = inbox(james, ++delivered).get(delivered - 1);
            assertThat(mail).contains("Subject: accepted").contains("X-DCC-SIM-Metrics: sim.dcc.test 1201; Body=1 Fuz1=1 Fuz2=1")
                .contains("Message-ID: <accepted@sender.example>");
            // what dccifd was told: the real client, HELO, envelope
            DccifdSimulator.Request q = sim.lastRequest();
            assertThat(q.clientIp).isEqualTo("127.0.0.1");
            assertThat(q.helo).isEqualTo("client.example.net");
            assertThat(q.sender).isEqualTo("alice@sender.example");
            assertThat(q.recipients).containsExactly(DEMO);
            assertThat(q.headers).contains("Subject: accepted");
            // the matcher reused the hook's verdict (jexim.dcc_result) instead of asking again
            assertThat(sim.connections() - before).isEqualTo(1);
        }

        @Test
        void rejectedByDccGets550AndNothingIsDelivered() throws Exception {
            sim.force('R');
            SmtpClient.Reply r = james.send("alice@sender.example", List.of(DEMO), message("rejected"));
            assertThat(r.code).isEqualTo(550);
            assertThat(r.text()).contains("5.7.1 Rejected by DCC");
            Thread.sleep(500);
            assertThat(inbox(james, delivered)).noneMatch(m -> m.contains("Subject: rejected"));
        }

        @Test
        void greylistedFirstTryGets451AndTheRetryIsDelivered() throws Exception {
            sim.greylist(true, Duration.ZERO);
            SmtpClient.Reply first = james.send("alice@sender.example", List.of(DEMO), message("greylisted"));
            assertThat(first.code).isEqualTo(451);
            assertThat(first.text()).contains("4.7.1 Greylisted by DCC");
            SmtpClient.Reply retry = james.send("alice@sender.example", List.of(DEMO), message("greylisted"));
            assertThat(retry.code).isEqualTo(250);
            String mail = inbox(james, ++delivered).get(delivered - 1);
            assertThat(mail).contains("Subject: greylisted").contains("X-DCC-SIM-Metrics:");
            assertThat(sim.requests()).extracting(q -> q.answered).containsExactly('G', 'A');
        }

        @Test
        void garbageAndSlowDccifdAreAcceptedWithoutAVerdict() throws Exception {
            sim.fault(Fault.GARBAGE);
            assertThat(james.send("alice@sender.example", List.of(DEMO), message("garbage")).code).isEqualTo(250);
            sim.fault(Fault.SLOW, Duration.ofSeconds(5));
            long t0 = System.nanoTime();
            assertThat(james.send("alice@sender.example", List.of(DEMO), message("slow")).code).isEqualTo(250);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
            delivered += 2;
            List<String> mails = inbox(james, delivered);
            assertThat(mails).anySatisfy(m -> assertThat(m).contains("Subject: garbage").doesNotContain("X-DCC"));
            assertThat(mails).anySatisfy(m -> assertThat(m).contains("Subject: slow").doesNotContain("X-DCC"));
            assertThat(bulkCount(james)).isZero();
        }

        /**
         * A sender's own X-DCC header (a whitelist line) is gone from the delivered mail, with dccifd answering and
         * with dccifd giving no verdict (defer_ok accepts). Before: it was delivered next to ours, or alone.
         */
        @Test
        void forgedXDccHeadersAreRemoved() throws Exception {
            String forged = "X-DCC--Metrics: forged.example; whitelist\r\nX-DCC-SIM-Metrics: forged 1; Body=0\r\n";
            assertThat(james.send("alice@sender.example", List.of(DEMO), forged + message("forged-answered")).code).isEqualTo(250);
            sim.fault(Fault.GARBAGE);
            assertThat(james.send("alice@sender.example", List.of(DEMO), forged + message("forged-deferred")).code).isEqualTo(250);
            delivered += 2;
            List<String> mails = inbox(james, delivered);
            assertThat(mails).anySatisfy(m -> assertThat(m).contains("Subject: forged-answered")
                .contains("X-DCC-SIM-Metrics: sim.dcc.test").doesNotContain("forged.example", "forged 1"));
            assertThat(mails).anySatisfy(m -> assertThat(m).contains("Subject: forged-deferred").doesNotContain("X-DCC"));
        }
    }

    /** The sample SMTP server (no DccHook) and the Dcc matcher asking dccifd over a unix socket, with acl_m_* attributes. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class MatcherOverUnixSocket {
        @TempDir
        File tmp;
        DccifdSimulator sim;
        JamesHarness james;

        @BeforeAll
        void boot() throws Exception {
            File sock = new File(tmp, "dccifd");
            sim = new DccifdSimulator().listenUnix(sock);
            String mailets = example("dcc-mailetcontainer.xml").replace(
                "            <mailet match=\"org.jamesexim.matchers.Dcc=fail\"",
                "            <mailet match=\"All\" class=\"SetMailAttribute\">\n"
                    + "                <jexim.acl_m_dcc_override_client_ip>198.51.100.7</jexim.acl_m_dcc_override_client_ip>\n"
                    + "                <jexim.acl_m_dcc_add_header>X-Scanned-By: clamav (clean)</jexim.acl_m_dcc_add_header>\n"
                    + "            </mailet>\n"
                    + "            <mailet match=\"org.jamesexim.matchers.Dcc=fail\"");
            assertThat(mailets).contains("SetMailAttribute");
            james = JamesHarness.builder()
                .config("mailetcontainer.xml", mailets)
                .extraConfig("dcc.properties", "dccifd_address = " + sock.getAbsolutePath() + "\n")
                .start();
            james.addUser("other@example.test", "other");
        }

        @AfterAll
        void stop() {
            james.close();
            sim.close();
        }

        @Test
        void matcherRoutesBulkToTheRepositoryAndDeliversTheRest() throws Exception {
            sim.force('A');
            assertThat(james.send("alice@sender.example", List.of(DEMO), message("clean")).code).isEqualTo(250);
            String mail = inbox(james, 1).get(0);
            assertThat(mail).contains("X-DCC-SIM-Metrics:").contains("X-Scanned-By: clamav (clean)");
            assertThat(mail.indexOf("X-DCC-SIM-Metrics:")).isLessThan(mail.indexOf("X-Scanned-By:"));
            assertThat(sim.lastRequest().clientLine).isEqualTo("198.51.100.7");

            sim.force('R');
            assertThat(james.send("alice@sender.example", List.of(DEMO), message("bulk")).code).isEqualTo(250);
            awaitBulk(1);
            Thread.sleep(300);
            assertThat(inbox(james, 1)).hasSize(1);

            // Exim's Dcc=fail does not see per-recipient answers: under an overall A (dccifd's real shape for a
            // mixed answer, dcc-real multi-discard-u) both recipients are delivered; Dcc=discard would divert one
            sim.force(null).blacklistSender("alice@sender.example").whitelistRecipient(DEMO);
            assertThat(james.send("alice@sender.example", List.of(DEMO, "other@example.test"), message("split")).code).isEqualTo(250);
            assertThat(inbox(james, 2).get(1)).contains("Subject: split");
            assertThat(sim.lastRequest().recipients).containsExactly(DEMO, "other@example.test");
            assertThat(sim.lastRequest().answered).isEqualTo('A');
            assertThat(james.awaitMailbox("other@example.test", "other", 1, Duration.ofSeconds(20))).hasSize(1);
            assertThat(bulkCount(james)).isEqualTo(1);
        }

        void awaitBulk(long n) throws Exception {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (bulkCount(james) < n && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(bulkCount(james)).isEqualTo(n);
        }
    }

    /**
     * Three recipients, and dccifd's answer discards one: the model answers as the real dccifd did for
     * {@code multi-discard-u} (whiteclnt {@code many env_From} for the sender, {@code ok env_To} for two recipients):
     * {@code A} overall, {@code AAR} per recipient, after a real dccifd's 0.4 s. DccHook (the shipped example, mode
     * per_recipient) takes the third recipient off the mail; the other two get it, the third does not, and the log
     * says why.
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class ThreeRecipientsOneDiscarded {
        DccifdSimulator sim;
        JamesHarness james;

        @BeforeAll
        void boot() throws Exception {
            sim = new DccifdSimulator().latency(DccifdSimulator.REAL_LATENCY).blacklistSender("bulk@sender.example")
                .whitelistRecipient(DEMO).whitelistRecipient("other@example.test").listenTcp();
            james = examples(smtp -> smtp, dccifd(sim, "5s")).start();
            james.addUser("other@example.test", "other");
            james.addUser("third@example.test", "third");
        }

        @AfterAll
        void stop() {
            james.close();
            sim.close();
        }

        @Test
        void twoAreDeliveredTheThirdIsNotAndTheLogSaysWhy() throws Exception {
            ch.qos.logback.classic.LoggerContext ctx = (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
            ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs = new ch.qos.logback.core.read.ListAppender<>();
            logs.setContext(ctx);
            logs.start();
            ch.qos.logback.classic.Logger hookLogger = ctx.getLogger("org.jamesexim.smtp.DccHook");
            hookLogger.addAppender(logs);
            try {
                long t0 = System.nanoTime();
                SmtpClient.Reply r = james.send("bulk@sender.example", List.of(DEMO, "other@example.test", "third@example.test"),
                    message("three"));
                assertThat(r.code).isEqualTo(250);
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(DccifdSimulator.REAL_LATENCY);
                assertThat(sim.lastRequest().recipients).containsExactly(DEMO, "other@example.test", "third@example.test");
                assertThat(sim.lastRequest().answered).isEqualTo('A');
                assertThat(inbox(james, 1).get(0)).contains("Subject: three").contains("X-DCC-SIM-Metrics: sim.dcc.test 1201; bulk Body=many");
                assertThat(james.awaitMailbox("other@example.test", "other", 1, Duration.ofSeconds(20)).get(0)).contains("Subject: three");
                Thread.sleep(500);
                assertThat(james.awaitMailbox("third@example.test", "third", 0, Duration.ofSeconds(1))).isEmpty();
                assertThat(bulkCount(james)).isZero();
            } finally {
                hookLogger.detachAppender(logs);
            }
            assertThat(logs.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .anySatisfy(line -> assertThat(line).isEqualTo("DCC: H=[127.0.0.1] F=<bulk@sender.example>: discarding recipient "
                    + "<third@example.test>: accepted by DCC with 1 of 3 recipient(s) marked R (overall A, per-recipient AAR): "
                    + "those are discarded, as dccifd(8) asks"))
                .noneSatisfy(line -> assertThat(line).contains("<" + DEMO + ">"));
        }
    }

    /**
     * The client IP override looked up from the HELO name ({@code overrideClientIpLookup}), as the spec's
     * {@code ${lookup{$sender_helo_name}nwildlsearch{...}}}, from a file with a wildcard line.
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OverrideClientIpFromHeloInAFile {
        DccifdSimulator sim;
        JamesHarness james;

        @BeforeAll
        void boot() throws Exception {
            sim = new DccifdSimulator().listenTcp();
            james = examples(smtp -> smtp.replace("<skip>authenticated</skip>",
                    "<skip>authenticated</skip><overrideClientIpLookup>file://conf/multipleip_sites</overrideClientIpLookup>"), dccifd(sim, "5s"))
                .extraConfig("multipleip_sites", "# sites that send from many addresses\n*.example.net: 192.0.2.77\n")
                .start();
        }

        @AfterAll
        void stop() {
            james.close();
            sim.close();
        }

        @Test
        void aHeloNameInTheFileSendsItsIpToDccifd() throws Exception {
            assertThat(james.send("alice@sender.example", List.of(DEMO), message("override-file")).code).isEqualTo(250);
            assertThat(sim.lastRequest().helo).isEqualTo("client.example.net");
            assertThat(sim.lastRequest().clientIp).isEqualTo("192.0.2.77");
            assertThat(inbox(james, 1).get(0)).contains("Subject: override-file");
        }
    }

    /** The same from a JDBC query (H2): a row's IP is sent; a failed query is a 451, never a verdict on the wrong IP. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OverrideClientIpFromHeloInADatabase {
        DccifdSimulator sim;
        JamesHarness james;
        final String h2 = "jdbc:h2:mem:dccoverride" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";

        @BeforeAll
        void boot() throws Exception {
            sim = new DccifdSimulator().listenTcp();
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(h2); java.sql.Statement st = c.createStatement()) {
                st.execute("CREATE TABLE multipleip_sites (helo VARCHAR(255) PRIMARY KEY, ip VARCHAR(64))");
                st.execute("INSERT INTO multipleip_sites VALUES ('client.example.net', '2001:db8::7')");
            }
            james = examples(smtp -> withoutDeferOk(smtp)
                    .replace("<skip>authenticated</skip>", "<skip>authenticated</skip><overrideClientIpLookup>" + h2
                        + "</overrideClientIpLookup><overrideClientIpLookupQuery>SELECT ip FROM multipleip_sites WHERE helo = $key"
                        + "</overrideClientIpLookupQuery>"), dccifd(sim, "5s"))
                .start();
        }

        @AfterAll
        void stop() {
            james.close();
            sim.close();
        }

        @Test
        void aRowSendsItsIpAndAFailedQueryIs451() throws Exception {
            assertThat(james.send("alice@sender.example", List.of(DEMO), message("override-db")).code).isEqualTo(250);
            assertThat(sim.lastRequest().clientIp).isEqualTo("2001:db8::7");
            int asked = sim.connections();
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(h2); java.sql.Statement st = c.createStatement()) {
                st.execute("DROP TABLE multipleip_sites");
            }
            SmtpClient.Reply r = james.send("alice@sender.example", List.of(DEMO), message("override-db-down"));
            assertThat(r.code).isEqualTo(451);
            assertThat(r.text()).contains("4.3.0 Temporary local problem");
            assertThat(sim.connections()).as("dccifd is not asked with the wrong IP").isEqualTo(asked);
        }
    }

    /** The example hook without defer_ok and no dccifd at all: the client is told to retry (451), nothing is lost. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class NoDccifdWithoutDeferOk {
        JamesHarness james;

        @BeforeAll
        void boot() throws Exception {
            james = examples(DccEndToEndTest::withoutDeferOk, "dccifd_address = /nonexistent/dccifd\n").start();
        }

        @AfterAll
        void stop() {
            james.close();
        }

        @Test
        void absentDccifdGives451() throws Exception {
            SmtpClient.Reply r = james.send("alice@sender.example", List.of(DEMO), message("absent"));
            assertThat(r.code).isEqualTo(451);
            assertThat(r.text()).contains("4.3.0 Temporary local problem");
        }
    }

    /** The shipped example with its own dcc.properties (no dccifd here): boots and delivers (defer_ok). */
    @Test
    void shippedExampleBootsAndDeliversWithoutDccifd() throws Exception {
        try (JamesHarness james = JamesHarness.builder()
            .configFile("smtpserver.xml", EXAMPLES.resolve("dcc-smtpserver.xml"))
            .configFile("mailetcontainer.xml", EXAMPLES.resolve("dcc-mailetcontainer.xml"))
            .configFile("dcc.properties", EXAMPLES.resolve("dcc.properties"))
            .start()) {
            assertThat(james.send("alice@sender.example", List.of(DEMO), message("nodccifd")).code).isEqualTo(250);
            assertThat(inbox(james, 1).get(0)).contains("Subject: nodccifd").doesNotContain("X-DCC");
        }
    }
}
