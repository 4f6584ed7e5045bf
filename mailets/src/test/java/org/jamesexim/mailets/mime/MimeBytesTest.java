package org.jamesexim.mailets.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.apache.james.core.MailAddress;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageWrapper;
import org.junit.jupiter.api.Test;

class MimeBytesTest {
    private static final String RAW = "Received: from a by b; Tue, 1 Jan 2030 00:00:00 +0000\r\n"
        + "Subject: folded\r\n  subject line\r\nFrom: a@example.test\r\n\r\nbody line 1\r\nbody line 2\r\n";

    private static MailImpl mail(String raw) throws Exception {
        MailImpl mail = MailImpl.builder().name("m1").sender("a@example.test").addRecipient(new MailAddress("b@example.test")).build();
        MimeBytes.replace(mail, raw.getBytes(StandardCharsets.US_ASCII));
        return mail;
    }

    @Test
    void anUnmodifiedJamesMessageIsItsSourceBytes() throws Exception {
        MailImpl mail = mail(RAW);
        assertThat(mail.getMessage()).isInstanceOf(MimeMessageWrapper.class);
        assertThat(new String(MimeBytes.of(mail.getMessage()), StandardCharsets.US_ASCII)).isEqualTo(RAW);
        // reading it did not parse or change it: James still writes the same bytes
        java.io.ByteArrayOutputStream james = new java.io.ByteArrayOutputStream();
        mail.getMessage().writeTo(james);
        assertThat(james.toString(StandardCharsets.US_ASCII)).isEqualTo(RAW);
    }

    @Test
    void aModifiedMessageIsWrittenWithItsChanges() throws Exception {
        MailImpl mail = mail(RAW);
        mail.getMessage().addHeader("X-Added", "yes");
        mail.getMessage().saveChanges();
        String out = new String(MimeBytes.of(mail.getMessage()), StandardCharsets.US_ASCII);
        assertThat(out).contains("X-Added: yes\r\n").endsWith("\r\n\r\nbody line 1\r\nbody line 2\r\n");
        assertThat(out).contains("Received: from a by b").contains("Subject: folded\r\n  subject line\r\n");
    }

    /** A multipart body javax.mail cannot parse (a boundary that never starts): a header change is saved all the same. */
    @Test
    void aHeaderChangeOnABodyJavaxMailCannotParseIsSavedAndTheBodyGoesOutAsItCame() throws Exception {
        String body = "--b0\r\nContent-Type: multipart/mixed; boundary=b1\r\n\r\ndeep, and no --b1 ever\r\n";
        String raw = "Message-ID: <nest@example.test>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n" + body;
        // what javax.mail does on its own: the parse fails
        MailImpl plain = mail(raw);
        plain.getMessage().addHeader("X-Added", "yes");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> plain.getMessage().saveChanges())
            .isInstanceOf(javax.mail.internet.ParseException.class);
        MailImpl mail = mail(raw);
        mail.getMessage().addHeader("X-Added", "yes");
        MimeBytes.saveHeaderChanges(mail);
        // James writes it out (as LocalDelivery and QueueFile do), and so do we, without parsing the body
        java.io.ByteArrayOutputStream james = new java.io.ByteArrayOutputStream();
        mail.getMessage().writeTo(james);
        assertThat(james.toString(StandardCharsets.US_ASCII)).contains("Message-ID: <nest@example.test>\r\n")
            .contains("X-Added: yes\r\n").endsWith("\r\n\r\n" + body);
        assertThat(new String(MimeBytes.of(mail.getMessage()), StandardCharsets.US_ASCII)).isEqualTo(james.toString(StandardCharsets.US_ASCII));
        // and a second change of the same mail goes the same way
        mail.getMessage().addHeader("X-Second", "yes");
        MimeBytes.saveHeaderChanges(mail);
        assertThat(new String(MimeBytes.of(mail.getMessage()), StandardCharsets.US_ASCII)).contains("X-Second: yes\r\n").endsWith("\r\n\r\n" + body);
    }

    /** A change made by someone else's mailet (James's RemoveMimeHeader saves nothing) on such a body: still readable. */
    @Test
    void aMessageChangedElsewhereOnABodyJavaxMailCannotParseIsStillReadAsItStands() throws Exception {
        String body = "--b0\r\nContent-Type: multipart/mixed; boundary=b1\r\n\r\nno inner boundary\r\n";
        MailImpl mail = mail("X-Remove: me\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n" + body);
        mail.getMessage().removeHeader("X-Remove");
        String out = new String(MimeBytes.of(mail.getMessage()), StandardCharsets.US_ASCII);
        assertThat(out).doesNotContain("X-Remove").startsWith("MIME-Version: 1.0\r\n").endsWith("\r\n\r\n" + body);
    }
}
