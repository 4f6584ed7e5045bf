package org.jamesexim.it.srs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.jamesexim.it.CaptureSmtpServer;
import org.jamesexim.it.JamesHarness;
import org.jamesexim.it.SmtpClient;
import org.jamesexim.srs.SrsConfig;
import org.jamesexim.srs.SrsEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SRS in a real James 3.8.1 booted from {@code james-config/examples/srs-*.xml}: mail to a local alias that forwards
 * off-site leaves with an SRS0 sender; a bounce to that address is accepted at RCPT and relayed back to the original
 * sender; forged and expired SRS addresses are refused at RCPT; nothing opens a relay. The off-site server is a second
 * SMTP listener in the test ({@link CaptureSmtpServer}), used by RemoteDelivery as its gateway. The SMTP client of the
 * test is NOT in James's authorized networks, so relaying is only what the configuration allows.
 */
class SrsEndToEndTest {
    /** The server's own secrets, generated for the run and written to conf/srs-secrets (mode 0600) as an operator would. */
    static final String NEW = SrsJames.fresh();
    static final String OLD = SrsJames.fresh();
    static final SrsConfig CONFIG = SrsConfig.builder().secrets(NEW, OLD).hashLength(6).maxAge(31).build();
    static CaptureSmtpServer offSite;
    static JamesHarness james;
    static SrsJames srs;

    @BeforeAll
    static void boot() throws Exception {
        srs = SrsJames.start(new String[] {NEW, OLD}, Map.of(), m -> m, s -> s);
        james = srs.james;
        offSite = srs.offSite;
    }

    @AfterAll
    static void stop() throws Exception {
        if (srs != null) {
            srs.close();
        }
    }

    static SrsEngine engine() {
        return new SrsEngine(CONFIG);
    }

    /** Sends the forwarded mail and returns the SRS0 sender it left with. */
    static String forwardOffSite(String sender, String subject) throws Exception {
        SmtpClient.Reply r = james.send(sender, List.of("alias@example.test"),
            "From: " + sender + "\r\nTo: alias@example.test\r\nSubject: " + subject + "\r\n\r\nplease forward\r\n");
        assertThat(r.code).as(r.toString()).isEqualTo(250);
        CaptureSmtpServer.Received out = offSite.await(m -> m.rcptTo.contains("friend@remote.test") && m.data.contains(subject),
            Duration.ofSeconds(60));
        return out.mailFrom;
    }

    @Test
    void forwardedMailLeavesWithAnSrs0SenderAndItsBounceComesBack() throws Exception {
        String srs = forwardOffSite("alice@origin.test", "forward-1");
        assertThat(srs).matches("SRS0=[A-Za-z0-9+/]{6}=[A-Z2-7]{2}=origin\\.test=alice@example\\.test");
        assertThat(engine().reverse(srs).recipient()).contains("alice@origin.test");

        // the remote server bounces to the SRS address: accepted at RCPT although no such user exists
        try (SmtpClient c = james.smtp()) {
            c.ehlo("remote.test");
            assertThat(c.mailFrom("").code).isEqualTo(250);
            SmtpClient.Reply rcpt = c.rcptTo(srs);
            assertThat(rcpt.code).as(rcpt.toString()).isEqualTo(250);
            SmtpClient.Reply data = c.data("From: MAILER-DAEMON@remote.test\r\nTo: " + srs + "\r\nSubject: bounce-1\r\n\r\nUser unknown\r\n");
            assertThat(data.code).as(data.toString()).isEqualTo(250);
            c.quit();
        }
        // ... and relayed back to the original sender, with the null sender, marked by the SrsStatus matcher
        CaptureSmtpServer.Received back = offSite.await(m -> m.rcptTo.contains("alice@origin.test") && m.data.contains("bounce-1"),
            Duration.ofSeconds(60));
        assertThat(back.mailFrom).isEmpty();
        assertThat(back.rcptTo).containsExactly("alice@origin.test");
        assertThat(back.data).contains("X-Jexim-SRS: reversed");
    }

    @Test
    void localSendersAreNotRewritten() throws Exception {
        String sender = forwardOffSite("demo@example.test", "forward-local");
        assertThat(sender).isEqualTo("demo@example.test");
    }

    @Test
    void anAddressSignedWithTheOldSecretIsStillAccepted() throws Exception {
        SrsEngine old = new SrsEngine(SrsConfig.builder().secrets(OLD).hashLength(6).maxAge(31).build());
        String srs = old.forward("bob@origin.test", "example.test").address();
        try (SmtpClient c = james.smtp()) {
            c.ehlo("remote.test");
            c.mailFrom("");
            assertThat(c.rcptTo(srs).code).isEqualTo(250);
        }
    }

    @Test
    void forgedAndExpiredSrsAddressesAreRefusedAtRcpt() throws Exception {
        String good = engine().forward("carol@origin.test", "example.test").address();
        String forged = good.replace("carol", "mallory");
        Clock fortyDaysAgo = Clock.fixed(Instant.now().minus(Duration.ofDays(40)), ZoneOffset.UTC);
        String expired = new SrsEngine(CONFIG, fortyDaysAgo).forward("carol@origin.test", "example.test").address();
        try (SmtpClient c = james.smtp()) {
            c.ehlo("remote.test");
            c.mailFrom("");
            SmtpClient.Reply f = c.rcptTo(forged);
            assertThat(f.code).as(f.toString()).isEqualTo(550);
            assertThat(f.text()).contains("5.7.1").contains("bad hash");
            SmtpClient.Reply e = c.rcptTo(expired);
            assertThat(e.code).as(e.toString()).isEqualTo(550);
            assertThat(e.text()).contains("5.1.1").contains("expired");
            SmtpClient.Reply hashless = c.rcptTo("SRS0=carol@example.test");
            assertThat(hashless.code).as(hashless.toString()).isEqualTo(550);
        }
    }

    @Test
    void neverAnOpenRelay() throws Exception {
        // a validly signed SRS address, but in someone else's domain: not ours to accept
        String foreign = engine().forward("dave@origin.test", "remote.test").address();
        try (SmtpClient c = james.smtp()) {
            c.ehlo("spammer.test");
            c.mailFrom("spam@spammer.test");
            SmtpClient.Reply r = c.rcptTo(foreign);
            assertThat(r.code).as(r.toString()).isGreaterThanOrEqualTo(500);
            SmtpClient.Reply plain = c.rcptTo("victim@remote.test");
            assertThat(plain.code).as(plain.toString()).isGreaterThanOrEqualTo(500);
            // non-SRS local addresses still get James's own answer (the hook declines them)
            assertThat(c.rcptTo("demo@example.test").code).isEqualTo(250);
        }
    }

    @Test
    void aQuotedSenderIsForwardedWithAValidSrsSenderAndItsBounceComesBack() throws Exception {
        // before: SrsForward made SRS0=...="john doe"@example.test, MailAddress refused it, the mail went to the error processor
        String srs = forwardOffSite("\"john doe\"@origin.test", "forward-quoted");
        assertThat(srs).matches("\"SRS0=[A-Za-z0-9+/]{6}=[A-Z2-7]{2}=origin\\.test=john doe\"@example\\.test");
        bounceTo(srs, "bounce-quoted");
        CaptureSmtpServer.Received back = offSite.await(m -> m.data.contains("bounce-quoted"), Duration.ofSeconds(60));
        assertThat(back.rcptTo).containsExactly("\"john doe\"@origin.test");
    }

    @Test
    void aBounceWhoseAddressARemoteMtaLowerCasedIsStillSentBack() throws Exception {
        String srs = forwardOffSite("Erin@origin.test", "forward-case");
        bounceTo(srs.toLowerCase(java.util.Locale.ROOT), "bounce-case");
        CaptureSmtpServer.Received back = offSite.await(m -> m.data.contains("bounce-case"), Duration.ofSeconds(60));
        assertThat(back.rcptTo).containsExactly("erin@origin.test");
    }

    @Test
    void mailWithASenderCannotUseAValidSrsAddressToRelay() throws Exception {
        // before: bouncesOnly was false by default: 250, and the mail was relayed to the original sender for anyone
        String valid = engine().forward("frank@origin.test", "example.test").address();
        try (SmtpClient c = james.smtp()) {
            c.ehlo("spammer.test");
            assertThat(c.mailFrom("spam@spammer.test").code).isEqualTo(250);
            SmtpClient.Reply r = c.rcptTo(valid);
            assertThat(r.code).as(r.toString()).isEqualTo(550);
            assertThat(r.text()).contains("only accepts bounces");
        }
    }

    /** Sends a bounce (null sender) to {@code srs} from the outside, expecting it to be accepted. */
    static void bounceTo(String srs, String subject) throws Exception {
        try (SmtpClient c = james.smtp()) {
            c.ehlo("remote.test");
            assertThat(c.mailFrom("").code).isEqualTo(250);
            SmtpClient.Reply rcpt = c.rcptTo(srs);
            assertThat(rcpt.code).as(rcpt.toString()).isEqualTo(250);
            SmtpClient.Reply data = c.data("From: MAILER-DAEMON@remote.test\r\nSubject: " + subject + "\r\n\r\nUser unknown\r\n");
            assertThat(data.code).as(data.toString()).isEqualTo(250);
            c.quit();
        }
    }
}
