package org.jamesexim.it.srs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.james.utils.DataProbeImpl;
import org.jamesexim.it.CaptureSmtpServer;
import org.jamesexim.it.JamesHarness;
import org.jamesexim.it.SmtpClient;
import org.jamesexim.srs.SrsConfig;
import org.jamesexim.srs.SrsEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/**
 * SRS for a host of many domains in a real James 3.8.1 ({@code james-config/examples/srs-*.xml} with the SrsForward lines
 * of docs/srs.md "Many domains"): two alias domains, each forward leaves with the alias of the domain it was sent to
 * ({@code alias} {@code $original_domain}); senders of an excluded domain (from {@code conf/srs-exclude}) leave as they
 * are; an authenticated user's own mail is not rewritten ({@code scope} {@code forwarded}); bounces to both aliases come
 * back to the original senders; each rewrite is one INFO line with Exim's {@code SRS=<address>}, without the secret.
 */
class SrsManyDomainsEndToEndTest {
    static final String SECRET = SrsJames.fresh();
    static final String SECOND = "second.test";
    static final String THIRD = "third.test";
    /** The SrsForward parameters docs/srs.md shows for many domains (the example's <alias> line replaced by these). */
    static final String MANY_DOMAINS = "<alias>$original_domain</alias>\n"
        + "                <aliasDomains>example.test, second.test</aliasDomains>\n"
        + "                <excludeDomainsFile>file://conf/srs-exclude</excludeDomainsFile>\n"
        + "                <scope>forwarded</scope>";
    static CaptureSmtpServer offSite;
    static JamesHarness james;
    static SrsJames srs;
    static ListAppender<ILoggingEvent> logs;
    static Logger srsLogger;

    @BeforeAll
    static void boot() throws Exception {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        logs = new ListAppender<>();
        logs.start();
        srsLogger = ctx.getLogger("org.jamesexim.mailets");
        srsLogger.addAppender(logs);
        srs = SrsJames.start(new String[] {SECRET}, Map.of(
                "srs-exclude", "# domains whose SPF allows this server\nspf-ok.test\n*.hosted.test\n",
                // aliasLookup (Exim's expanded srs_alias): forwards of mail sent to third.test are made in second.test
                "srs-alias-by-domain", "# recipient domain: alias\nthird.test: second.test\n"),
            m -> {
                String mailets = m.replace("<alias>example.test</alias>", MANY_DOMAINS + "\n                <aliasLookup>file://conf/srs-alias-by-domain</aliasLookup>")
                    // docs/srs.md "James 3.9": the line that keeps SRS working there; James 3.8.1 ignores it
                    .replace("<errorProcessor>rrt-error</errorProcessor>",
                        "<errorProcessor>rrt-error</errorProcessor>\n                <rewriteSenderUponForward>false</rewriteSenderUponForward>");
                assertThat(mailets).contains("<rewriteSenderUponForward>false</rewriteSenderUponForward>");
                assertThat(mailets).contains("<scope>forwarded</scope>").contains("<gatewayPort>");
                return mailets;
            }, s -> s);
        james = srs.james;
        offSite = srs.offSite;
        james.addDomain(SECOND);
        james.addDomain(THIRD);
        DataProbeImpl probe = james.server().getProbe(DataProbeImpl.class);
        probe.addAddressMapping("alias", THIRD, "friend3@remote.test");
        probe.addAddressMapping("alias", SECOND, "friend2@remote.test");
    }

    @AfterAll
    static void stop() throws Exception {
        if (srsLogger != null) {
            srsLogger.detachAppender(logs);
        }
        if (srs != null) {
            srs.close();
        }
    }

    /** Sends {@code sender} → {@code rcpt} from outside, returns the envelope sender the forward left with. */
    static String forward(String sender, String rcpt, String to, String subject) throws Exception {
        SmtpClient.Reply r = james.send(sender, List.of(rcpt), "From: " + sender + "\r\nTo: " + rcpt + "\r\nSubject: " + subject + "\r\n\r\nforward me\r\n");
        assertThat(r.code).as(r.toString()).isEqualTo(250);
        return offSite.await(m -> m.rcptTo.contains(to) && m.data.contains(subject), Duration.ofSeconds(60)).mailFrom;
    }

    static List<String> logLines() {
        List<String> out = new ArrayList<>();
        for (ILoggingEvent e : logs.list) {
            out.add(e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage());
        }
        return out;
    }

    @Test
    void eachForwardLeavesWithTheAliasOfItsDomainAndBothBouncesComeBack() throws Exception {
        String first = forward("alice@origin.test", "alias@example.test", "friend@remote.test", "many-1");
        String second = forward("bob@origin.test", "alias@second.test", "friend2@remote.test", "many-2");
        assertThat(first).matches("SRS0=[A-Za-z0-9+/]{6}=[A-Z2-7]{2}=origin\\.test=alice@example\\.test");
        assertThat(second).matches("SRS0=[A-Za-z0-9+/]{6}=[A-Z2-7]{2}=origin\\.test=bob@second\\.test");
        SrsEngine engine = new SrsEngine(SrsConfig.builder().secrets(SECRET).hashLength(6).maxAge(31).build());
        assertThat(engine.reverse(second).recipient()).contains("bob@origin.test");

        bounceTo(first, "many-bounce-1");
        bounceTo(second, "many-bounce-2");
        CaptureSmtpServer.Received back1 = offSite.await(m -> m.data.contains("many-bounce-1"), Duration.ofSeconds(60));
        CaptureSmtpServer.Received back2 = offSite.await(m -> m.data.contains("many-bounce-2"), Duration.ofSeconds(60));
        assertThat(back1.rcptTo).containsExactly("alice@origin.test");
        assertThat(back2.rcptTo).containsExactly("bob@origin.test");
        assertThat(back1.mailFrom).isEmpty();
        assertThat(back2.mailFrom).isEmpty();

        // one INFO line per rewrite, in Exim's shape, and never the secret
        List<String> lines = logLines();
        assertThat(lines).anyMatch(l -> l.startsWith("INFO org.jamesexim.mailets.SrsForward SRS forward mail=")
            && l.endsWith("srs_orig_sender=<alice@origin.test> SRS=<" + first + ">"));
        assertThat(lines).anyMatch(l -> l.endsWith("srs_orig_sender=<bob@origin.test> SRS=<" + second + ">"));
        assertThat(lines.stream().filter(l -> l.contains("SRS=<" + second + ">")).count()).isEqualTo(1);
        assertThat(lines).anyMatch(l -> l.contains("excludeDomainsFile") && l.contains("2 domains in use"));
        assertThat(String.join("\n", lines)).doesNotContain(SECRET);
    }

    /** A bounce (null sender) to {@code srs} from the outside, accepted at RCPT by SrsRcptHook. */
    static void bounceTo(String srs, String subject) throws Exception {
        try (SmtpClient c = james.smtp()) {
            c.ehlo("remote.test");
            assertThat(c.mailFrom("").code).isEqualTo(250);
            SmtpClient.Reply rcpt = c.rcptTo(srs);
            assertThat(rcpt.code).as(rcpt.toString()).isEqualTo(250);
            assertThat(c.data("From: MAILER-DAEMON@remote.test\r\nSubject: " + subject + "\r\n\r\nUser unknown\r\n").code).isEqualTo(250);
            c.quit();
        }
    }

    /** aliasLookup: a domain the table names gets the alias it gives; that alias's bounce comes back. */
    @Test
    void theAliasLookedUpForTheRecipientsDomainIsUsedAndItsBounceComesBack() throws Exception {
        String third = forward("fay@origin.test", "alias@third.test", "friend3@remote.test", "many-3");
        assertThat(third).matches("SRS0=[A-Za-z0-9+/]{6}=[A-Z2-7]{2}=origin\\.test=fay@second\\.test");
        bounceTo(third, "many-bounce-3");
        assertThat(offSite.await(m -> m.data.contains("many-bounce-3"), Duration.ofSeconds(60)).rcptTo).containsExactly("fay@origin.test");
        assertThat(logLines()).anyMatch(l -> l.contains("aliasLookup") && l.contains("srs-alias-by-domain"));
    }

    @Test
    void excludedSendersStayAsTheyAre() throws Exception {
        assertThat(forward("carol@spf-ok.test", "alias@second.test", "friend2@remote.test", "many-excluded")).isEqualTo("carol@spf-ok.test");
        assertThat(forward("dan@mx.hosted.test", "alias@example.test", "friend@remote.test", "many-excluded-sub")).isEqualTo("dan@mx.hosted.test");
        assertThat(forward("erin@hosted.test", "alias@example.test", "friend@remote.test", "many-not-excluded"))
            .startsWith("SRS0=").endsWith("=hosted.test=erin@example.test");
    }

    @Test
    void anAuthenticatedUsersOwnMailIsNotRewritten() throws Exception {
        try (SmtpClient c = james.smtp()) {
            c.ehlo("laptop.example");
            assertThat(c.authPlain(JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD).code).isEqualTo(235);
            assertThat(c.mailFrom("demo.private@gmail.test").code).isEqualTo(250);
            assertThat(c.rcptTo("friend@remote.test").code).isEqualTo(250);
            assertThat(c.data("From: demo.private@gmail.test\r\nTo: friend@remote.test\r\nSubject: many-own\r\n\r\nmine\r\n").code).isEqualTo(250);
            c.quit();
        }
        CaptureSmtpServer.Received out = offSite.await(m -> m.data.contains("many-own"), Duration.ofSeconds(60));
        assertThat(out.mailFrom).isEqualTo("demo.private@gmail.test");
    }
}
