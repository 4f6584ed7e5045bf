package org.jamesexim.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.jamesexim.srs.SrsConfig;
import org.jamesexim.srs.SrsEngine;
import org.junit.jupiter.api.Test;

class SrsRcptHookTest {
    static final SrsConfig CONFIG = SrsConfig.builder().secrets("s3cret").build();

    static SrsRcptHook hook(String... params) throws Exception {
        BaseConfiguration c = new BaseConfiguration();
        c.addProperty("secrets", "s3cret");
        c.addProperty("aliasDomains", "example.test");
        for (int i = 0; i < params.length; i += 2) {
            c.setProperty(params[i], params[i + 1]);
        }
        SrsRcptHook h = new SrsRcptHook(null);
        h.init(c);
        return h;
    }

    static HookResult rcpt(SrsRcptHook h, MaybeSender sender, String rcpt) throws Exception {
        return h.doRcpt(null, sender, new MailAddress(rcpt));
    }

    @Test
    void validAcceptedForgedAndExpiredRefusedOthersDeclined() throws Exception {
        SrsRcptHook h = hook();
        String valid = new SrsEngine(CONFIG).forward("alice@origin.test", "example.test").address();
        HookResult ok = rcpt(h, MaybeSender.nullSender(), valid);
        assertThat(ok.getResult()).isEqualTo(HookReturnCode.ok());
        assertThat(ok.getSmtpRetCode()).isEqualTo("250");

        HookResult forged = rcpt(h, MaybeSender.nullSender(), valid.replace("alice", "mallory"));
        assertThat(forged.getResult()).isEqualTo(HookReturnCode.deny());
        assertThat(forged.getSmtpRetCode()).isEqualTo("550");
        assertThat(forged.getSmtpDescription()).startsWith("5.7.1").contains("bad hash");

        Clock old = Clock.fixed(Instant.now().minus(Duration.ofDays(60)), ZoneOffset.UTC);
        String expired = new SrsEngine(CONFIG, old).forward("alice@origin.test", "example.test").address();
        HookResult exp = rcpt(h, MaybeSender.nullSender(), expired);
        assertThat(exp.getSmtpRetCode()).isEqualTo("550");
        assertThat(exp.getSmtpDescription()).startsWith("5.1.1").contains("expired");

        assertThat(rcpt(h, MaybeSender.nullSender(), "alice@example.test")).isEqualTo(HookResult.DECLINED);
        String foreign = new SrsEngine(CONFIG).forward("alice@origin.test", "remote.test").address();
        assertThat(rcpt(h, MaybeSender.nullSender(), foreign)).as("a valid address of another domain").isEqualTo(HookResult.DECLINED);
    }

    @Test
    void bouncesOnlyRefusesANonNullSender() throws Exception {
        String valid = new SrsEngine(CONFIG).forward("alice@origin.test", "example.test").address();
        SrsRcptHook h = hook("bouncesOnly", "true");
        assertThat(rcpt(h, MaybeSender.nullSender(), valid).getResult()).isEqualTo(HookReturnCode.ok());
        HookResult r = rcpt(h, MaybeSender.of(new MailAddress("spam@spammer.test")), valid);
        assertThat(r.getSmtpRetCode()).isEqualTo("550");
        assertThat(r.getSmtpDescription()).contains("only accepts bounces");
        assertThat(rcpt(hook(), MaybeSender.of(new MailAddress("robot@remote.test")), valid).getResult()).isEqualTo(HookReturnCode.ok());
    }

    @Test
    void badConfigurationFailsNamingTheParameter() {
        assertThatThrownBy(() -> hook("maxage", "old")).hasMessageContaining("maxage");
        assertThatThrownBy(() -> hook("bouncesOnly", "perhaps")).hasMessageContaining("bouncesOnly");
        assertThatThrownBy(() -> hook("secrets", "")).hasMessageContaining("secrets");
    }
}
