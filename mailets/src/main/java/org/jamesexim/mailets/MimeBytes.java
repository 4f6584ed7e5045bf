package org.jamesexim.mailets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.server.core.MimeMessageWrapper;

/**
 * A mail's message as bytes for the engines (ARC, DCC, BMI, queuefile). James's {@code MimeMessageWrapper.writeTo} parses every
 * header of the stored message just to skip past them, even when nothing was changed; an unmodified James message is
 * read from its source bytes instead, which are what James itself writes out for it.
 */
final class MimeBytes {
    private MimeBytes() {
    }

    static void writeTo(MimeMessage message, OutputStream out) throws IOException, MessagingException {
        if (message instanceof MimeMessageWrapper && !((MimeMessageWrapper) message).isModified()) {
            try (InputStream in = ((MimeMessageWrapper) message).getMessageInputStream()) {
                in.transferTo(out);
            }
            return;
        }
        message.writeTo(out);
    }

    static byte[] of(MimeMessage message) throws IOException, MessagingException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        writeTo(message, out);
        return out.toByteArray();
    }
}
