package org.jamesexim.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.MailAddress;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.mailet.base.test.FakeMail;
import org.jamesexim.mailets.ArcAttributes;
import org.jamesexim.mailets.ArcSettings;
import org.junit.jupiter.api.Test;

class ArcVerifyHookTest {
    /** An ARC set with the right body hash whose signatures cannot verify (no key published, or DNS down). */
    static final String BROKEN = "ARC-Seal: i=1; a=rsa-sha256; cv=none; d=x.example; s=s; b=AAAA\r\n"
            + "ARC-Message-Signature: i=1; a=rsa-sha256; d=x.example; s=s; h=from; b=AAAA; bh="
            + bodyHash("body\r\n") + "\r\n"
            + "ARC-Authentication-Results: i=1; mx.x.example; spf=pass\r\n"
            + "From: a@b.example\r\nSubject: s\r\n\r\nbody\r\n";

    static String bodyHash(String canonicalBody) {
        try {
            return java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(canonicalBody.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static DNSService dns(boolean down) {
        return (DNSService) Proxy.newProxyInstance(DNSService.class.getClassLoader(), new Class<?>[] {DNSService.class},
                (p, m, a) -> {
                    if (m.getName().equals("findTXTRecords")) {
                        if (down) {
                            throw new IllegalStateException("SERVFAIL");
                        }
                        return List.of();
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    static SMTPSession session() {
        return (SMTPSession) Proxy.newProxyInstance(SMTPSession.class.getClassLoader(), new Class<?>[] {SMTPSession.class},
                (p, m, a) -> m.getName().equals("getSessionID") ? "s1" : null);
    }

    static FakeMail mail(String raw) throws Exception {
        return FakeMail.builder().name("m").recipient(new MailAddress("bob@dest.example"))
                .mimeMessage(new MimeMessage(Session.getInstance(new Properties()),
                        new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)))).build();
    }

    static ArcVerifyHook hook(boolean dnsDown, String acceptable) throws Exception {
        ArcVerifyHook h = new ArcVerifyHook(dns(dnsDown));
        BaseHierarchicalConfiguration c = new BaseHierarchicalConfiguration();
        if (acceptable != null) {
            c.addProperty("acceptable", acceptable);
        }
        h.init(c);
        return h;
    }

    @Test
    void marksAndDeclinesByDefault() throws Exception {
        FakeMail m = mail(BROKEN);
        assertThat(hook(false, null).onMessage(session(), m)).isEqualTo(HookResult.DECLINED);
        assertThat(ArcSettings.stringAttribute(m, ArcAttributes.ARC_STATE)).contains("fail");
        assertThat(ArcSettings.stringAttribute(m, ArcAttributes.ARC_DOMAINS)).contains("x.example");
        assertThat(ArcSettings.stringAttribute(m, ArcAttributes.ARC_STATE_REASON).orElse("")).contains("no key record");
        FakeMail plain = mail("From: a@b.example\r\n\r\nhi\r\n");
        assertThat(hook(false, "none:pass").onMessage(session(), plain)).isEqualTo(HookResult.DECLINED);
        assertThat(ArcSettings.stringAttribute(plain, ArcAttributes.ARC_STATE)).contains("none");
    }

    @Test
    void refusesStatesOutsideAcceptableAndDefersOnDnsTrouble() throws Exception {
        HookResult r = hook(false, "none:pass").onMessage(session(), mail(BROKEN));
        assertThat(r.getResult()).isEqualTo(HookReturnCode.deny());
        assertThat(r.getSmtpRetCode()).isEqualTo("550");
        HookResult soft = hook(true, "none:pass").onMessage(session(), mail(BROKEN));
        assertThat(soft.getResult()).isEqualTo(HookReturnCode.denySoft());
        assertThat(soft.getSmtpRetCode()).isEqualTo("451");
    }

    @Test
    void badAcceptableListFailsAtStartup() {
        assertThatThrownBy(() -> hook(false, "pass:maybe")).hasMessageContaining("acceptable").hasMessageContaining("maybe");
    }
}
