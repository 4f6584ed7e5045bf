package org.jamesexim.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.jamesexim.arc.ArcSealResult;
import org.jamesexim.arc.ArcSealer;
import org.jamesexim.arc.ArcState;
import org.jamesexim.arc.MailMessage;
import org.jamesexim.arc.SigningKey;
import org.jamesexim.common.testing.RsaTestKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The DMARC glue in the mailet container: ArcVerify marks the list's chain, DmarcVerify reads it (and the oldest
 * passing hop's ARC-Authentication-Results with arcOverrideNeedsAuth), AuthenticationResults writes dmarc=.
 */
class DmarcVerifyTest {
    static DNSService dns;
    static RsaTestKey lists;

    @BeforeAll
    static void keys() {
        lists = RsaTestKey.generate(2048);
        Map<String, String> records = Map.of("arc._domainkey.lists.example", lists.dkimRecord(),
                "_dmarc.origin.test", "v=DMARC1; p=reject");
        dns = (DNSService) Proxy.newProxyInstance(DNSService.class.getClassLoader(), new Class<?>[] {DNSService.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("findTXTRecords")) {
                        String r = records.get((String) args[0]);
                        return r == null ? List.of() : List.of(r);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    static FakeMail listCopy(String aarDkim, String sender) throws Exception {
        String raw = "From: Alice <alice@origin.test>\r\nTo: list@lists.example\r\nSubject: [list] hello\r\n"
                + "Date: Thu, 03 Dec 2026 08:00:00 +0000\r\nMessage-ID: <m1@origin.test>\r\n\r\nhello\r\n-- \r\nfooter\r\n";
        MailMessage m = MailMessage.parse(raw.getBytes(StandardCharsets.US_ASCII));
        ArcSealResult r = ArcSealer.builder().authservId("mx.lists.example").domain("lists.example").selector("arc")
                .key(SigningKey.parse(lists.pem(), "test")).build()
                .seal(m, ArcState.NONE, List.of(aarDkim), System.currentTimeMillis() / 1000L);
        assertThat(r.sealed()).as(r.reason()).isTrue();
        MimeMessage mime = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(r.applyTo(m)));
        FakeMail mail = FakeMail.builder().name("m1").sender(sender).recipient(new MailAddress("bob@example.test"))
                .remoteAddr("192.0.2.7").mimeMessage(mime).build();
        mail.setAttribute(new Attribute(AuthenticationResults.SPF_RESULT, AttributeValue.of("pass")));
        ArcVerify arc = new ArcVerify(dns);
        arc.init(FakeMailetConfig.builder().mailetName("ArcVerify").setProperty("trustedSealers", "lists.example").build());
        arc.service(mail);
        assertThat(ArcSettings.stringAttribute(mail, ArcAttributes.ARC_TRUSTED_SEALER)).contains("lists.example");
        return mail;
    }

    static DmarcVerify dmarc(String... params) throws MessagingException {
        FakeMailetConfig.Builder b = FakeMailetConfig.builder().mailetName("DmarcVerify");
        for (int i = 0; i < params.length; i += 2) {
            b.setProperty(params[i], params[i + 1]);
        }
        DmarcVerify v = new DmarcVerify(dns);
        v.init(b.build());
        return v;
    }

    static String attr(FakeMail mail, org.apache.mailet.AttributeName name) {
        return ArcSettings.stringAttribute(mail, name).orElse(null);
    }

    @Test
    void withoutTheOverrideTheListCopyFailsWithRejectAndOurResultsSaySo() throws Exception {
        FakeMail mail = listCopy("dkim=pass header.d=origin.test", "bounces@lists.example");
        dmarc().service(mail);
        assertThat(attr(mail, DmarcAttributes.DMARC_RESULT)).isEqualTo("fail");
        assertThat(attr(mail, DmarcAttributes.DMARC_POLICY)).isEqualTo("reject");
        assertThat(attr(mail, DmarcAttributes.DMARC_DISPOSITION)).isEqualTo("reject");
        assertThat(attr(mail, DmarcAttributes.DMARC_DOMAIN)).isEqualTo("origin.test");
        assertThat(attr(mail, DmarcAttributes.DMARC_POLICY_DOMAIN)).isEqualTo("origin.test");
        assertThat(attr(mail, DmarcAttributes.DMARC_OVERRIDE)).isEmpty();
        AuthenticationResults ar = new AuthenticationResults();
        ar.init(FakeMailetConfig.builder().mailetName("AR").setProperty("authservId", "mx.example.test").build());
        ar.service(mail);
        assertThat(mail.getMessage().getHeader("Authentication-Results")[0])
                .contains("dmarc=fail (p=reject dis=reject) header.from=origin.test");
    }

    @Test
    void theOverrideWithTheOldestHopsResults() throws Exception {
        FakeMail ok = listCopy("dkim=pass header.d=origin.test", "bounces@lists.example");
        dmarc("arcOverride", "true", "arcOverrideNeedsAuth", "true").service(ok);
        assertThat(attr(ok, DmarcAttributes.DMARC_RESULT)).isEqualTo("fail");
        assertThat(attr(ok, DmarcAttributes.DMARC_OVERRIDE)).isEqualTo("arc");
        assertThat(attr(ok, DmarcAttributes.DMARC_DISPOSITION)).isEqualTo("none");

        FakeMail saidFail = listCopy("dkim=fail header.d=origin.test", "bounces@lists.example");
        dmarc("arcOverride", "true", "arcOverrideNeedsAuth", "true").service(saidFail);
        assertThat(attr(saidFail, DmarcAttributes.DMARC_OVERRIDE)).isEmpty();
        assertThat(attr(saidFail, DmarcAttributes.DMARC_DISPOSITION)).isEqualTo("reject");

        FakeMail trustedOnly = listCopy("dkim=fail header.d=origin.test", "bounces@lists.example");
        dmarc("arcOverride", "true").service(trustedOnly);
        assertThat(attr(trustedOnly, DmarcAttributes.DMARC_OVERRIDE)).isEqualTo("arc");
    }

    @Test
    void anAlignedSpfPassFromJamesSpfMailetPasses() throws Exception {
        FakeMail mail = listCopy("dkim=pass header.d=origin.test", "alice@origin.test");
        dmarc().service(mail);
        assertThat(attr(mail, DmarcAttributes.DMARC_RESULT)).isEqualTo("pass");
        assertThat(attr(mail, DmarcAttributes.DMARC_DISPOSITION)).isEqualTo("none");
    }

    @Test
    void aMailTheHookEvaluatedIsLeftAloneUnlessForced() throws Exception {
        FakeMail mail = listCopy("dkim=pass header.d=origin.test", "alice@origin.test");
        mail.setAttribute(new Attribute(DmarcAttributes.DMARC_RESULT, AttributeValue.of("temperror")));
        dmarc().service(mail);
        assertThat(attr(mail, DmarcAttributes.DMARC_RESULT)).isEqualTo("temperror");
        dmarc("force", "true").service(mail);
        assertThat(attr(mail, DmarcAttributes.DMARC_RESULT)).isEqualTo("pass");
    }

    @Test
    void badSettingsStopTheStartNamingTheParameter() {
        assertThatThrownBy(() -> dmarc("discovery", "walk")).hasMessageContaining("discovery");
        assertThatThrownBy(() -> dmarc("publicSuffixList", "relative/list.dat")).hasMessageContaining("publicSuffixList");
        assertThatThrownBy(() -> dmarc("arcOverride", "yes")).hasMessageContaining("arcOverride");
    }

    @Test
    void aFloodOfDkimSignaturesCostsAtMostTenKeyLookups() throws Exception {
        RsaTestKey origin = RsaTestKey.generate(2048);
        java.util.concurrent.atomic.AtomicInteger keyLookups = new java.util.concurrent.atomic.AtomicInteger();
        DNSService counting = (DNSService) Proxy.newProxyInstance(DNSService.class.getClassLoader(),
                new Class<?>[] {DNSService.class}, (proxy, method, args) -> {
                    String name = (String) args[0];
                    if (name.contains("._domainkey.")) {
                        keyLookups.incrementAndGet();
                        return name.equals("sel._domainkey.origin.test") ? List.of(origin.dkimRecord()) : List.of();
                    }
                    return name.equals("_dmarc.origin.test") ? List.of("v=DMARC1; p=reject") : List.of();
                });
        String body = "From: Alice <alice@origin.test>\r\nTo: bob@example.test\r\nSubject: flood\r\n\r\nhello\r\n";
        String sig = new org.apache.james.jdkim.DKIMSigner("v=1; a=rsa-sha256; c=relaxed/relaxed; d=origin.test; s=sel; "
                + "h=from:to:subject; bh=; b=;", origin.keyPair().getPrivate())
                .sign(new ByteArrayInputStream(body.getBytes(StandardCharsets.US_ASCII)));
        StringBuilder raw = new StringBuilder(sig).append("\r\n");
        for (int i = 0; i < 2000; i++) {
            raw.append("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=spam").append(i)
                    .append(".example; s=s; h=from; bh=AAAA; b=AAAA\r\n");
        }
        raw.append(body);
        MimeMessage mime = new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(raw.toString().getBytes(StandardCharsets.US_ASCII)));
        FakeMail mail = FakeMail.builder().name("m2").sender("x@spam.example").recipient(new MailAddress("bob@example.test"))
                .mimeMessage(mime).build();
        DmarcVerify v = new DmarcVerify(counting);
        v.init(FakeMailetConfig.builder().mailetName("DmarcVerify").build());
        v.service(mail);
        assertThat(attr(mail, DmarcAttributes.DMARC_RESULT)).isEqualTo("pass");
        assertThat(keyLookups.get()).isBetween(1, DmarcSettings.MAX_DKIM_SIGNATURES);
    }
}
