package org.jamesexim.mailets.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import javax.mail.MessagingException;
import javax.mail.Session;

import org.junit.jupiter.api.Test;

import com.sun.mail.smtp.SMTPTransport;
import com.sun.mail.util.LineInputStream;

/** The one test that breaks when a James (or javax.mail) upgrade moves a private field the pack uses. */
class JamesInternalsTest {
    @Test
    void everyFieldThePackUsesIsThereInThisJames() {
        assertThat(JamesInternals.missing()).as("James 3.8.1 private fields not found").isEmpty();
        assertThat(JamesInternals.smtpTransportStreams()).isTrue();
    }

    @Test
    void aTransportThatIsNotNettysHasNoChannel() {
        assertThat(JamesInternals.channel(null)).isNull();
    }

    /** A transport whose reply reading a test can call. */
    static final class Transport extends SMTPTransport {
        Transport() {
            super(Session.getInstance(new Properties()), null);
        }

        synchronized int readReply() throws MessagingException {
            return readServerResponse(); // javax.mail reads replies holding the transport's lock
        }
    }

    /** The reader put in place is the one javax.mail reads replies from; before connect there is no stream or socket. */
    @Test
    void theLineReaderPutInPlaceIsTheOneJavaxMailReads() throws Exception {
        Transport t = new Transport();
        assertThat(JamesInternals.serverInput(t)).isNull();
        assertThat(JamesInternals.serverSocket(t)).isNull();
        JamesInternals.replaceLineInputStream(t, new LineInputStream(
            new ByteArrayInputStream("250-first\r\n250 second\r\n".getBytes(StandardCharsets.US_ASCII))));
        assertThat(t.readReply()).isEqualTo(250);
        assertThat(t.getLastServerResponse()).isEqualTo("250-first\n250 second\n");
    }
}
