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
                        return args[0].equals("arc._domainkey.example.test") ? List.of(zoneForm) : List.of();
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
