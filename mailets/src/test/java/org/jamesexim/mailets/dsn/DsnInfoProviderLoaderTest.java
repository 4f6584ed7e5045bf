package org.jamesexim.mailets.dsn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;

import javax.mail.Session;
import javax.mail.Transport;
import javax.mail.URLName;

import org.junit.jupiter.api.Test;

class DsnInfoProviderLoaderTest {
    @Test
    void sessionsMadeUnderTheLoaderUseOurTransportAndOthersDoNot() throws Exception {
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        Transport ours;
        Transport oursSsl;
        t.setContextClassLoader(new DsnInfoProviderLoader(DsnInfoProviderLoader.class.getClassLoader()));
        try {
            Session session = Session.getInstance(new Properties());
            ours = session.getTransport(new URLName("smtp://127.0.0.1:2525"));
            oursSsl = session.getTransport(new URLName("smtps://127.0.0.1:465"));
        } finally {
            t.setContextClassLoader(previous);
        }
        Transport plain = Session.getInstance(new Properties()).getTransport(new URLName("smtp://127.0.0.1:2525"));

        assertThat(ours).isInstanceOf(DsnInfoSmtpTransport.class);
        assertThat(oursSsl).isInstanceOf(DsnInfoSmtpTransport.Smtps.class);
        assertThat(plain.getClass().getName()).isEqualTo("com.sun.mail.smtp.SMTPTransport");
    }
}
