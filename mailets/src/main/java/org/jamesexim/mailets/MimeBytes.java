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

    /**
     * {@code saveChanges()} after a change of header fields only. javax.mail's {@code saveChanges} also parses a
     * multipart body to update its parts' headers, and throws {@code ParseException} on a structure it cannot parse
     * (broken or hostile MIME, e.g. a boundary that never starts); the header change itself stands all the same
     * (the message is marked saved before the body is parsed, and James writes the changed header block ahead of the
     * original body bytes). So such a mail goes on with our header fields instead of going to the error processor
     * ({@code HostileRun}'s mime-nest input; {@code MimeBytesTest}).
     */
    static void saveHeaderChanges(MimeMessage message) throws MessagingException {
        try {
            message.saveChanges();
        } catch (javax.mail.internet.ParseException e) {
            // a body javax.mail cannot parse: the header fields are saved, the body goes out as it came
        }
    }

    static byte[] of(MimeMessage message) throws IOException, MessagingException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        writeTo(message, out);
        return out.toByteArray();
    }
}
