package org.jamesexim.it.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.apache.james.jdkim.DKIMSigner;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.exceptions.FailException;
import org.jamesexim.arc.ArcSealResult;
import org.jamesexim.arc.ArcSealer;
import org.jamesexim.arc.ArcState;
import org.jamesexim.arc.MailMessage;
import org.jamesexim.arc.SigningKey;
import org.jamesexim.common.testing.RsaTestKey;
import org.jamesexim.it.JamesHarness;
import org.jamesexim.it.UdpDns;
import org.jamesexim.it.SmtpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DMARC with the ARC local policy in a real James 3.8.1 booted from {@code james-config/examples/dmarc-*.xml}, its
 * hooks asking a DNS server of the test's own ({@link UdpDns}). {@code origin.test} publishes {@code p=reject} and
 * signs with DKIM; the list {@code lists.example} tags the subject and adds a footer (the author's DKIM signature
 * breaks), records what it saw (dkim=pass) in its ARC set and seals. Without the override James refuses the copy at
 * the end of DATA with 550 5.7.1; with {@code arcOverride} and lists.example trusted it is delivered, and our
 * Authentication-Results says {@code dmarc=fail ... policy.override=arc}; the same copy sealed by a list nobody
 * trusts is refused; a From domain whose {@code _dmarc} lookup fails gets 451, never 550.
 */
class DmarcEndToEndTest {
    static final long NOW = System.currentTimeMillis() / 1000L;
    static UdpDns dns;
    static RsaTestKey origin;
    static RsaTestKey lists;
    static RsaTestKey other;

    @BeforeAll
    static void keysAndDns() throws Exception {
        origin = RsaTestKey.generate(2048);
        lists = RsaTestKey.generate(2048);
        other = RsaTestKey.generate(2048);
        dns = new UdpDns();
        dns.txt("sel._domainkey.origin.test", origin.dkimRecord());
        dns.txt("_dmarc.origin.test", "v=DMARC1; p=reject; rua=mailto:dmarc@origin.test");
        dns.txt("arc._domainkey.lists.example", lists.dkimRecord());
        dns.txt("arc._domainkey.other.example", other.dkimRecord());
        dns.servfail("_dmarc.flaky.test");
        // a domain whose DMARC record answers but whose DKIM key lookup fails
        dns.txt("_dmarc.slowkey.test", "v=DMARC1; p=reject");
        dns.servfail("sel._domainkey.slowkey.test");
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    static JamesHarness boot(boolean arcOverride) throws Exception {
        Path examples = JamesHarness.defaultConfigDir().resolve("examples");
        String smtp = Files.readString(examples.resolve("dmarc-smtpserver.xml"))
                .replace("<dns>james</dns>", "<dns>127.0.0.1 " + dns.port() + "</dns>")
                .replace("<arcOverride>true</arcOverride>", "<arcOverride>" + arcOverride + "</arcOverride>");
        assertThat(smtp).contains("127.0.0.1 " + dns.port()).contains("<arcOverride>" + arcOverride + "</arcOverride>");
        return JamesHarness.builder().config("smtpserver.xml", smtp)
                .config("mailetcontainer.xml", Files.readString(examples.resolve("dmarc-mailetcontainer.xml"))).start();
    }

    /** Alice's message as origin.test sends it, DKIM-signed. */
    static String original(String from, String subject) throws Exception {
        String m = "From: Alice <" + from + ">\r\nTo: list@lists.example\r\nSubject: " + subject + "\r\n"
                + "Date: Thu, 03 Dec 2026 08:00:00 +0000\r\nMessage-ID: <" + subject.replace(' ', '-') + "@origin.test>\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nHello list,\r\nsee you.\r\n";
        String d = from.substring(from.indexOf('@') + 1);
        DKIMSigner signer = new DKIMSigner("v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + d + "; s=sel; "
                + "h=from:to:subject:date:message-id; bh=; b=;", origin.keyPair().getPrivate());
        String sig = signer.sign(new ByteArrayInputStream(m.getBytes(StandardCharsets.US_ASCII)));
        return sig + "\r\n" + m;
    }

    /** What the list does: tags the subject, adds a footer, records dkim=pass in its ARC set and seals. */
    static String forwarded(String message, String listDomain, RsaTestKey key) {
        String changed = message.replace("Subject: ", "Subject: [list] ") + "-- \r\nthe list footer\r\n";
        ArcSealer sealer = ArcSealer.builder().authservId("mx." + listDomain).domain(listDomain).selector("arc")
                .key(SigningKey.parse(key.pem(), "test")).build();
        MailMessage m = MailMessage.parse(changed.getBytes(StandardCharsets.US_ASCII));
        ArcSealResult r = sealer.seal(m, ArcState.NONE, List.of("dkim=pass header.d=origin.test header.s=sel",
                "spf=pass smtp.mailfrom=alice@origin.test", "dmarc=pass header.from=origin.test"), NOW);
        assertThat(r.sealed()).as(r.reason()).isTrue();
        return new String(r.applyTo(m), StandardCharsets.US_ASCII);
    }

    static boolean dkimPasses(String message) throws Exception {
        try {
            return new DKIMVerifier((method, selector, token) -> dns.txtRecords(selector + "._domainkey." + token))
                    .verify(new ByteArrayInputStream(message.getBytes(StandardCharsets.US_ASCII))) != null;
        } catch (FailException e) {
            return false;
        }
    }

    static SmtpClient.Reply send(JamesHarness james, String mailFrom, String message) throws Exception {
        try (SmtpClient c = james.smtp()) {
            c.ehlo("mx.lists.example");
            assertThat(c.mailFrom(mailFrom).code).isEqualTo(250);
            assertThat(c.rcptTo(JamesHarness.DEMO_USER).code).isEqualTo(250);
            SmtpClient.Reply r = c.data(message.replace("\r\n.", "\r\n.."));
            c.quit();
            return r;
        }
    }

    @Test
    void withoutTheOverrideTheListCopyIsRefusedAtSmtpTime() throws Exception {
        String direct = original("alice@origin.test", "direct");
        String viaList = forwarded(original("alice@origin.test", "via list"), "lists.example", lists);
        assertThat(dkimPasses(direct)).as("the author's signature").isTrue();
        assertThat(dkimPasses(viaList)).as("the list broke it").isFalse();
        try (JamesHarness james = boot(false)) {
            SmtpClient.Reply refused = send(james, "bounces@lists.example", viaList);
            assertThat(refused.code).as(refused.toString()).isEqualTo(550);
            assertThat(refused.toString()).contains("5.7.1").contains("origin.test");

            SmtpClient.Reply ok = send(james, "alice@origin.test", direct);
            assertThat(ok.code).as(ok.toString()).isEqualTo(250);
            String got = james.awaitMailbox(JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD, 1, Duration.ofSeconds(60)).get(0);
            assertThat(got).contains("Subject: direct").contains("X-Jexim-DMARC: pass")
                    .contains("dmarc=pass (p=reject dis=none) header.from=origin.test");
        }
    }

    @Test
    void withTheOverrideATrustedSealersCopyIsDeliveredAndTheResultsSayWhy() throws Exception {
        String trusted = forwarded(original("alice@origin.test", "trusted list"), "lists.example", lists);
        String untrusted = forwarded(original("alice@origin.test", "untrusted list"), "other.example", other);
        String flaky = forwarded(original("alice@flaky.test", "flaky dns"), "lists.example", lists);
        try (JamesHarness james = boot(true)) {
            SmtpClient.Reply ok = send(james, "bounces@lists.example", trusted);
            assertThat(ok.code).as(ok.toString()).isEqualTo(250);
            String got = james.awaitMailbox(JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD, 1, Duration.ofSeconds(60)).get(0);
            assertThat(got).contains("Subject: [list] trusted list").contains("X-Jexim-DMARC: fail")
                    .contains("arc=pass (i=1)")
                    .contains("dmarc=fail (p=reject dis=none arc=pass) header.from=origin.test policy.override=arc");

            SmtpClient.Reply refused = send(james, "bounces@other.example", untrusted);
            assertThat(refused.code).as("a sealer nobody trusts: " + refused).isEqualTo(550);
            assertThat(refused.toString()).contains("5.7.1");

            SmtpClient.Reply later = send(james, "bounces@lists.example", flaky);
            assertThat(later.code).as("temperror: " + later).isEqualTo(451);
            assertThat(later.toString()).contains("4.7.1");

            // the author's DKIM key cannot be had: the signature might pass, so temperror, not a reject
            SmtpClient.Reply keyLater = send(james, "alice@slowkey.test", original("alice@slowkey.test", "slow key"));
            assertThat(keyLater.code).as("DKIM key temperror: " + keyLater).isEqualTo(451);
        }
    }
}
