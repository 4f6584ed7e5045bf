package org.jamesexim.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * What the ARC mailets trust of a mail that came from anyone over SMTP: only our own verification decides cv= and
 * trust, only our own Authentication-Results go into the AAR, forged A-R in our name are removed however spelt,
 * sender text reaches our header only sanitised, and unsafe configuration is refused at start.
 */
class ArcTrustTest {
    static String pem;
    static String otherPem;
    static String pem1024;
    static DNSService dns;
    static DNSService dnsDown;
    @TempDir
    static Path dir;

    static DNSService proxy(boolean down, String record) {
        return (DNSService) Proxy.newProxyInstance(DNSService.class.getClassLoader(), new Class<?>[] {DNSService.class},
                (p, m, a) -> {
                    if (m.getName().equals("findTXTRecords")) {
                        if (down) {
                            throw new IllegalStateException("SERVFAIL");
                        }
                        return a[0].equals("arc._domainkey.example.test") ? List.of(record) : List.of();
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    @BeforeAll
    static void keys() throws Exception {
        RsaTestKey ours = RsaTestKey.generate(2048);
        pem = ours.pem();
        otherPem = RsaTestKey.generate(2048).pem();
        pem1024 = RsaTestKey.generate(1024).pem();
        String record = ours.dkimRecord();
        dns = proxy(false, record);
        dnsDown = proxy(true, record);
    }

    static final String BODY = "From: Alice <alice@origin.example>\r\nTo: bob@dest.example\r\nSubject: trust\r\n"
            + "Date: Wed, 25 Nov 2026 10:00:00 +0000\r\nMessage-ID: <t1@origin.example>\r\n\r\nbody\r\n";

    static FakeMail mail(String raw) throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)));
        return FakeMail.builder().name("m1").sender("alice@origin.example").recipient(new MailAddress("bob@dest.example"))
                .remoteAddr("192.0.2.7").mimeMessage(m).build();
    }

    static String raw(FakeMail mail) throws Exception {
        return new String(ArcSettings.bytes(mail), StandardCharsets.ISO_8859_1);
    }

    /** A message sealed (i=1) by other.example, whose key is published nowhere we look: its chain fails. */
    static String sealedElsewhere() {
        ArcSealer other = ArcSealer.builder().authservId("mx.other.example").domain("other.example").selector("arc")
                .key(SigningKey.parse(otherPem, "other")).build();
        MailMessage m = MailMessage.parse(BODY.getBytes(StandardCharsets.ISO_8859_1));
        ArcSealResult r = other.seal(m, ArcState.NONE, 1_764_000_000L);
        return new String(r.applyTo(m), StandardCharsets.ISO_8859_1);
    }

    static FakeMailetConfig.Builder sealConfig() {
        return FakeMailetConfig.builder().mailetName("ArcSeal").setProperty("authservId", "mx.example.test")
                .setProperty("domain", "example.test").setProperty("selector", "arc").setProperty("key", pem);
    }

    static ArcSeal seal(FakeMailetConfig config, DNSService dnsService) throws MessagingException {
        ArcSeal s = new ArcSeal(dnsService);
        s.init(config);
        return s;
    }

    @Test
    void withoutAVerdictArcSealVerifiesAndNeverSealsAForgedArcPass() throws Exception {
        // the sender claims, in our name, that the chain passed; nothing here verified it
        FakeMail mail = mail("Authentication-Results: mx.example.test; arc=pass\r\n" + sealedElsewhere());
        seal(sealConfig().build(), dns).service(mail);
        String seal = mail.getMessage().getHeader("ARC-Seal")[0];
        assertThat(seal).contains("i=2").contains("cv=fail").doesNotContain("cv=pass");
    }

    @Test
    void theAarCarriesOurResultsNotTheSenders() throws Exception {
        String forged = "Authentication-Results: mx.example.test; dkim=pass header.d=bank.example\r\n" + BODY;
        // without our AuthenticationResults mailet: only our ARC verdict
        FakeMail bare = mail(forged);
        seal(sealConfig().build(), dns).service(bare);
        assertThat(bare.getMessage().getHeader("ARC-Authentication-Results")[0])
                .isEqualTo("i=1; mx.example.test;\r\n\tarc=none").doesNotContain("bank.example");
        // with it: the forged A-R is removed, ours goes into the AAR
        FakeMail mail = mail(forged);
        mail.setAttribute(new Attribute(AuthenticationResults.SPF_RESULT, AttributeValue.of("pass")));
        AuthenticationResults ar = new AuthenticationResults();
        ar.init(FakeMailetConfig.builder().mailetName("AR").setProperty("authservId", "mx.example.test").build());
        ar.service(mail);
        seal(sealConfig().build(), dns).service(mail);
        assertThat(mail.getMessage().getHeader("ARC-Authentication-Results")[0]).contains("spf=pass")
                .doesNotContain("bank.example");
        assertThat(raw(mail)).doesNotContain("bank.example");
    }

    @Test
    void aTemperrorVerdictIsCheckedAgainAndNotSealedWhileDnsIsDown() throws Exception {
        FakeMail mail = mail(sealedElsewhere());
        mail.setAttribute(new Attribute(ArcAttributes.ARC_STATE, AttributeValue.of("temperror")));
        seal(sealConfig().build(), dnsDown).service(mail);
        assertThat(mail.getMessage().getHeader("ARC-Seal")).hasSize(1);
    }

    @Test
    void forgedAuthenticationResultsInOurNameAreRemovedHoweverSpelt() throws Exception {
        String[] forged = {"Authentication-Results: MX.Example.Test; arc=pass",
            "Authentication-Results: mx.example.test arc=pass", "Authentication-Results: mx.example.test.; arc=pass",
            "Authentication-Results:\r\n\t(our mx) mx.example.test;\r\n arc=pass", "authentication-results : \"mx.example.test\"; arc=pass",
            "Authentication-Results: mx.example.test 1 ; arc=pass"};
        StringBuilder raw = new StringBuilder();
        for (String f : forged) {
            raw.append(f).append("\r\n");
        }
        raw.append("Authentication-Results: other.example; spf=pass (mx.example.test)\r\n").append(BODY);
        FakeMail mail = mail(raw.toString());
        AuthenticationResults ar = new AuthenticationResults();
        ar.init(FakeMailetConfig.builder().mailetName("AR").setProperty("authservId", "mx.example.test").build());
        ar.service(mail);
        String[] left = mail.getMessage().getHeader("Authentication-Results");
        assertThat(left).hasSize(2);
        assertThat(left[0]).startsWith("mx.example.test; none");
        assertThat(left[1]).startsWith("other.example;");
        assertThat(raw(mail)).doesNotContain("arc=pass");
    }

    @Test
    void senderTextReachesOurAuthenticationResultsOnlySanitised() throws Exception {
        FakeMail mail = FakeMail.builder().name("m2").sender(new MailAddress("\"a;b c\"@origin.example"))
                .recipient(new MailAddress("bob@dest.example")).remoteAddr("192.0.2.7")
                .mimeMessage(new MimeMessage(Session.getInstance(new Properties()),
                        new ByteArrayInputStream(BODY.getBytes(StandardCharsets.ISO_8859_1)))).build();
        mail.setAttribute(new Attribute(AuthenticationResults.SPF_RESULT, AttributeValue.of("pass")));
        mail.setAttribute(new Attribute(AuthenticationResults.DKIM_AUTHRESULT,
                AttributeValue.of("pass (identity x;\r\nX-Injected: 1@evil.example)")));
        mail.setAttribute(new Attribute(ArcAttributes.ARC_STATE, AttributeValue.of("fail")));
        mail.setAttribute(new Attribute(ArcAttributes.ARC_STATE_REASON,
                AttributeValue.of("i=1 ARC-Seal: unsupported algorithm a=x\r\nX-Injected: 2\u00e9" + "y".repeat(400))));
        AuthenticationResults ar = new AuthenticationResults();
        ar.init(FakeMailetConfig.builder().mailetName("AR").setProperty("authservId", "mx.example.test").build());
        ar.service(mail);
        String value = mail.getMessage().getHeader("Authentication-Results")[0];
        // our own folding only: one result a line
        String[] lines = value.split("\r\n\t", -1);
        assertThat(lines).hasSize(4);
        for (String line : lines) {
            assertThat(line).matches("[\\x20-\\x7e]*").hasSizeLessThan(260);
        }
        assertThat(lines[1]).isEqualTo("spf=pass smtp.mailfrom=origin.example;");
        assertThat(lines[2]).startsWith("dkim=pass (").doesNotContain("header.i");
        assertThat(lines[3]).startsWith("arc=fail (");
        assertThat(raw(mail)).doesNotContain("\r\nX-Injected");
    }

    @Test
    void aKeyFileOthersCanReadIsRefusedNamingTheParameterNeverTheKey() throws Exception {
        Path key = dir.resolve("arc.pem");
        Files.writeString(key, pem);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> seal(sealConfig().setProperty("key", key.toString()).build(), dns))
                .isInstanceOf(MessagingException.class).hasMessageContaining("ArcSeal: key:")
                .hasMessageContaining("0644").hasMessageContaining("chmod 600").hasMessageNotContaining("PRIVATE");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        seal(sealConfig().setProperty("key", key.toString()).build(), dns);
        // perDomain keys too
        Path other = dir.resolve("lists.pem");
        Files.writeString(other, otherPem);
        Files.setPosixFilePermissions(other, PosixFilePermissions.fromString("rw-rw----"));
        assertThatThrownBy(() -> seal(sealConfig().setProperty("perDomain", "lists.example = lists.example : arc : " + other)
                .build(), dns)).hasMessageContaining("perDomain key for lists.example").hasMessageContaining("0660");
    }

    @Test
    void anRsaKeyShorterThan2048BitsIsRefusedForSealing() {
        assertThatThrownBy(() -> seal(sealConfig().setProperty("key", pem1024).build(), dns))
                .isInstanceOf(MessagingException.class).hasMessageContaining("1024 bits is too short")
                .hasMessageContaining("2048").hasMessageNotContaining(pem1024.substring(40, 80));
    }

    @Test
    void unknownParametersAndBadValuesAreRefusedAtStart() throws Exception {
        seal(sealConfig().setProperty("dnsTimeout", "2s").setProperty("dnsDeadline", "1m").build(), dns);
        assertThatThrownBy(() -> seal(sealConfig().setProperty("dnsDeadLine", "10s").build(), dns))
                .hasMessageContaining("unknown parameter dnsDeadLine");
        assertThatThrownBy(() -> seal(sealConfig().setProperty("timestamps", "maybe").build(), dns))
                .hasMessageContaining("timestamps must be true or false");
        assertThatThrownBy(() -> seal(sealConfig().setProperty("signedHeaders", "to:subject").build(), dns))
                .hasMessageContaining("must include From");
        assertThatThrownBy(() -> seal(sealConfig().setProperty("signedHeaders", "from:arc-seal").build(), dns))
                .hasMessageContaining("must not include ARC-Seal");
        assertThatThrownBy(() -> seal(sealConfig().setProperty("authservId", "mx.example.test; arc=pass").build(), dns))
                .hasMessageContaining("authservId must be a token");
        assertThatThrownBy(() -> seal(sealConfig().setProperty("perDomain", "bad domain = a.example : s : 0").build(), dns))
                .hasMessageContaining("perDomain");
        assertThatThrownBy(() -> new ArcVerify(dns).init(FakeMailetConfig.builder().mailetName("ArcVerify")
                .setProperty("force", "yes").build())).hasMessageContaining("force must be true or false");
        assertThatThrownBy(() -> new ArcVerify(dns).init(FakeMailetConfig.builder().mailetName("ArcVerify")
                .setProperty("trustedSealers", "google.com, -bad-;").build())).hasMessageContaining("trustedSealers");
        assertThatThrownBy(() -> new AuthenticationResults().init(FakeMailetConfig.builder().mailetName("AR")
                .setProperty("authservId", "mx.example.test").setProperty("authservID", "x").build()))
                .hasMessageContaining("unknown parameter authservID");
        // James's own per-mailet parameters are not ours to refuse
        seal(sealConfig().setProperty("onMailetException", "ignore").build(), dns);
    }
}
