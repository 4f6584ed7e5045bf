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
import org.jamesexim.arc.ArcState;
import org.jamesexim.arc.ArcVerification;
import org.jamesexim.arc.ArcVerifier;
import org.jamesexim.arc.MailMessage;
import org.jamesexim.arc.StaticTxtResolver;
import org.jamesexim.common.testing.RsaTestKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ArcMailetsTest {
    static String pem;
    static Map<String, String> records;
    static DNSService dns;

    @BeforeAll
    static void keys() throws Exception {
        RsaTestKey key = RsaTestKey.generate(2048);
        pem = key.pem();
        // James's DNSJavaService hands back zone-file text: quoted strings
        String p = key.publicKeyBase64();
        records = Map.of("arc._domainkey.example.test", "v=DKIM1; k=rsa; p=" + p);
        String zoneForm = "\"v=DKIM1; k=rsa; \" \"p=" + p.substring(0, 200) + "\" \"" + p.substring(200) + "\"";
        dns = (DNSService) Proxy.newProxyInstance(DNSService.class.getClassLoader(), new Class<?>[] {DNSService.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("findTXTRecords")) {
                        // one key under two selectors, so that a second hop can seal with another s=
                        return args[0].equals("arc._domainkey.example.test") || args[0].equals("arc2._domainkey.example.test")
                                ? List.of(zoneForm) : List.of();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    static FakeMail mail(String raw) throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)));
        return FakeMail.builder().name("m1").sender("alice@origin.example").recipient(new MailAddress("bob@dest.example"))
                .remoteAddr("192.0.2.7").mimeMessage(m).build();
    }

    static final String RAW = "Authentication-Results: mx.example.test; arc=pass; dkim=pass header.i=@forged.example\r\n"
            + "Authentication-Results: other.example; spf=fail smtp.mailfrom=x@y.example\r\n"
            + "From: Alice <alice@origin.example>\r\nTo: bob@dest.example\r\nSubject: glue\r\n"
            + "Date: Wed, 25 Nov 2026 10:00:00 +0000\r\nMessage-ID: <g1@origin.example>\r\n\r\nbody\r\n";

    @Test
    void verifyAddResultsSealThenVerifyAgain() throws Exception {
        FakeMail mail = mail(RAW);
        mail.setAttribute(new Attribute(AuthenticationResults.SPF_RESULT, AttributeValue.of("pass")));
        ArcVerify verify = new ArcVerify(dns);
        verify.init(FakeMailetConfig.builder().mailetName("ArcVerify").build());
        verify.service(mail);
        assertThat(ArcSettings.stringAttribute(mail, ArcAttributes.ARC_STATE)).contains("none");

        AuthenticationResults ar = new AuthenticationResults();
        ar.init(FakeMailetConfig.builder().mailetName("AR").setProperty("authservId", "mx.example.test").build());
        ar.service(mail);
        String[] ars = mail.getMessage().getHeader("Authentication-Results");
        assertThat(ars).hasSize(2);
        assertThat(ars[0]).startsWith("mx.example.test;").contains("spf=pass smtp.mailfrom=alice@origin.example")
                .contains("arc=none").doesNotContain("forged");
        assertThat(ars[1]).startsWith("other.example;");

        ArcSeal seal = new ArcSeal(dns);
        seal.init(FakeMailetConfig.builder().mailetName("ArcSeal").setProperty("authservId", "mx.example.test")
                .setProperty("domain", "example.test").setProperty("selector", "arc").setProperty("key", pem).build());
        seal.service(mail);
        assertThat(mail.getMessage().getHeader("ARC-Seal")[0]).contains("cv=none").contains("i=1");
        assertThat(mail.getMessage().getHeader("ARC-Authentication-Results")[0])
                .startsWith("i=1; mx.example.test;").contains("spf=pass");
        ArcVerification v = new ArcVerifier(new StaticTxtResolver(records))
                .verify(MailMessage.parse(ArcSettings.bytes(mail)), System.currentTimeMillis() / 1000);
        assertThat(v.state()).as(v.reason()).isEqualTo(ArcState.PASS);

        // the next hop (James's DNS answer in zone-file form) sees a passing chain from a trusted sealer
        ArcVerify again = new ArcVerify(dns);
        again.init(FakeMailetConfig.builder().mailetName("ArcVerify").setProperty("force", "true")
                .setProperty("trustedSealers", "example.test").build());
        again.service(mail);
        assertThat(ArcSettings.stringAttribute(mail, ArcAttributes.ARC_STATE)).contains("pass");
        assertThat(ArcSettings.stringAttribute(mail, ArcAttributes.ARC_DOMAINS)).contains("example.test");
        assertThat(ArcSettings.stringAttribute(mail, ArcAttributes.ARC_OLDEST_PASS)).contains("1");
        assertThat(ArcSettings.stringAttribute(mail, ArcAttributes.ARC_TRUSTED_SEALER)).contains("example.test");
    }

    /**
     * Exim's {@code ${authresults}} writes the newest AMS's selector as {@code header.s=} after the {@code (i=N)}
     * comment: kept by the verification as {@code jexim.arc_ams_selector}, for every state with a chain, and gone
     * when a forced verification finds no chain.
     */
    @Test
    void theNewestAmsSelectorIsWrittenAsHeaderSAsEximDoes() throws Exception {
        FakeMail mail = mail(RAW);
        ArcVerify force = new ArcVerify(dns);
        force.init(FakeMailetConfig.builder().mailetName("ArcVerify").setProperty("force", "true").build());
        AuthenticationResults ar = new AuthenticationResults();
        ar.init(FakeMailetConfig.builder().mailetName("AR").setProperty("authservId", "mx.example.test").build());
        force.service(mail);
        ar.service(mail);
        assertThat(mail.getAttribute(ArcAttributes.ARC_AMS_SELECTOR)).isEmpty();
        assertThat(mail.getMessage().getHeader("Authentication-Results")[0]).contains("arc=none smtp.remote-ip=192.0.2.7")
                .doesNotContain("header.s=");

        seal(mail, "arc");
        force.service(mail);
        ar.service(mail);
        assertThat(ArcSettings.stringAttribute(mail, ArcAttributes.ARC_AMS_SELECTOR)).contains("arc");
        assertThat(mail.getMessage().getHeader("Authentication-Results")[0])
                .contains("arc=pass (i=1) header.s=arc arc.oldest-pass=1 smtp.remote-ip=192.0.2.7");

        // the next hop seals with selector arc2 over our A-R (its cv= comes from our arc=pass, header.s= and all)
        seal(mail, "arc2");
        assertThat(mail.getMessage().getHeader("ARC-Seal")[0]).contains("i=2").contains("cv=pass").contains("s=arc2");
        force.service(mail);
        ar.service(mail);
        assertThat(ArcSettings.stringAttribute(mail, ArcAttributes.ARC_STATE)).contains("pass");
        assertThat(mail.getMessage().getHeader("Authentication-Results")[0])
                .contains("arc=pass (i=2) header.s=arc2 arc.oldest-pass=1 smtp.remote-ip=192.0.2.7");

        // a failed chain still names the newest AMS's selector, as Exim does
        String sealed = new String(ArcSettings.bytes(mail), StandardCharsets.US_ASCII).replace("\r\nbody\r\n", "\r\nbody!\r\n");
        FakeMail tampered = mail(sealed);
        force.service(tampered);
        ar.service(tampered);
        assertThat(ArcSettings.stringAttribute(tampered, ArcAttributes.ARC_STATE)).contains("fail");
        assertThat(tampered.getMessage().getHeader("Authentication-Results")[0]).containsPattern(
                "arc=fail \\(i=2 [^)]*body hash[^)]*\\) header\\.s=arc2 smtp\\.remote-ip=192\\.0\\.2\\.7");

        // a mail without a chain, verified again, loses the selector an earlier verification kept
        FakeMail plain = mail(RAW);
        plain.setAttribute(new Attribute(ArcAttributes.ARC_AMS_SELECTOR, AttributeValue.of("stale")));
        force.service(plain);
        assertThat(plain.getAttribute(ArcAttributes.ARC_AMS_SELECTOR)).isEmpty();
    }

    private void seal(FakeMail mail, String selector) throws Exception {
        ArcSeal seal = new ArcSeal(dns);
        seal.init(FakeMailetConfig.builder().mailetName("ArcSeal").setProperty("authservId", "mx.example.test")
                .setProperty("domain", "example.test").setProperty("selector", selector).setProperty("key", pem).build());
        seal.service(mail);
    }

    @Test
    void aTamperedMailFailsAndIsNotTrusted() throws Exception {
        FakeMail mail = mail(RAW);
        ArcSeal seal = new ArcSeal(dns);
        seal.init(FakeMailetConfig.builder().mailetName("ArcSeal").setProperty("authservId", "mx.example.test")
                .setProperty("domain", "example.test").setProperty("selector", "arc").setProperty("key", pem).build());
        seal.service(mail);
        String sealed = new String(ArcSettings.bytes(mail), StandardCharsets.US_ASCII).replace("\r\nbody\r\n", "\r\nbody!\r\n");
        FakeMail tampered = mail(sealed);
        ArcVerify verify = new ArcVerify(dns);
        verify.init(FakeMailetConfig.builder().mailetName("ArcVerify").setProperty("trustedSealers", "example.test").build());
        verify.service(tampered);
        assertThat(ArcSettings.stringAttribute(tampered, ArcAttributes.ARC_STATE)).contains("fail");
        assertThat(ArcSettings.stringAttribute(tampered, ArcAttributes.ARC_STATE_REASON).orElse("")).contains("body hash");
        assertThat(tampered.getAttribute(ArcAttributes.ARC_TRUSTED_SEALER)).isEmpty();
    }

    @Test
    void keyZeroDisablesSealing() throws Exception {
        FakeMail mail = mail(RAW);
        ArcSeal seal = new ArcSeal(dns);
        seal.init(FakeMailetConfig.builder().mailetName("ArcSeal").setProperty("authservId", "mx.example.test")
                .setProperty("key", "0").build());
        seal.service(mail);
        assertThat(mail.getMessage().getHeader("ARC-Seal")).isNull();
    }

    @Test
    void badConfigurationNamesTheParameterWithoutLeakingTheKey() {
        assertThatThrownBy(() -> new AuthenticationResults().init(FakeMailetConfig.builder().mailetName("AR").build()))
                .isInstanceOf(MessagingException.class).hasMessageContaining("authservId");
        String badKey = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END PRIVATE KEY-----";
        assertThatThrownBy(() -> new ArcSeal(dns).init(FakeMailetConfig.builder().mailetName("ArcSeal")
                .setProperty("authservId", "mx.example.test").setProperty("domain", "example.test")
                .setProperty("selector", "arc").setProperty("key", badKey).build()))
                .isInstanceOf(MessagingException.class).hasMessageContaining("key")
                .hasMessageNotContaining("c2VjcmV0");
        assertThatThrownBy(() -> new ArcVerify(dns).init(FakeMailetConfig.builder().mailetName("ArcVerify")
                .setProperty("dnsTimeout", "soon").build()))
                .isInstanceOf(MessagingException.class).hasMessageContaining("dnsTimeout");
    }
}
