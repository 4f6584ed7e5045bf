package org.jamesexim.mailets.mime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import javax.mail.util.SharedByteArrayInputStream;

import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Mail;

/**
 * A mail's message as bytes for the engines (ARC, DCC, BMI, queuefile), and bytes back as a mail's message. James's {@code MimeMessageWrapper.writeTo} parses every
 * header of the stored message just to skip past them, even when nothing was changed; an unmodified James message is
 * read from its source bytes instead, which are what James itself writes out for it.
 */
public final class MimeBytes {
    private MimeBytes() {
    }

    public static void writeTo(MimeMessage message, OutputStream out) throws IOException, MessagingException {
        if (message instanceof MimeMessageWrapper && !((MimeMessageWrapper) message).isModified()) {
            try (InputStream in = ((MimeMessageWrapper) message).getMessageInputStream()) {
                in.transferTo(out);
            }
            return;
        }
        if (message instanceof MimeMessageWrapper) {
            // James's writeTo saves a changed message first, which parses a multipart body: a header change by any
            // mailet (James's RemoveMimeHeader too) on a body javax.mail cannot parse would make the mail unreadable
            try {
                message.saveChanges();
            } catch (javax.mail.internet.ParseException e) {
                writeHeadersAndRawBody(message, out);
                return;
            }
        }
        message.writeTo(out);
    }

    /** The header block as it stands and the body bytes as they came, without parsing the body. */
    private static void writeHeadersAndRawBody(MimeMessage message, OutputStream out) throws IOException, MessagingException {
        for (java.util.Enumeration<String> lines = message.getAllHeaderLines(); lines.hasMoreElements(); ) {
            out.write(lines.nextElement().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            out.write(CRLF);
        }
        out.write(CRLF);
        try (InputStream body = message.getRawInputStream()) {
            body.transferTo(out);
        }
    }

    /**
     * {@code saveChanges()} after a change of the mail's header fields only. javax.mail's {@code saveChanges} also
     * parses a multipart body to update its parts' headers, and throws {@code ParseException} on a structure it cannot
     * parse (broken or hostile MIME, e.g. a boundary that never starts); James's {@code MimeMessageWrapper.writeTo}
     * saves a changed message first, so every later write of it (QueueFile, LocalDelivery, RemoteDelivery) would fail
     * the same way and the mail would go to the error processor. Then the mail gets instead a message of the changed
     * header block and the body bytes as they came, which James writes out without parsing
     * ({@code MimeBytesTest}; {@code HostileRun}'s mime-nest input).
     */
    public static void saveHeaderChanges(Mail mail) throws MessagingException {
        MimeMessage message = mail.getMessage();
        try {
            message.saveChanges();
        } catch (javax.mail.internet.ParseException e) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
            try {
                writeHeadersAndRawBody(message, out);
            } catch (IOException io) {
                throw new MessagingException("cannot copy the message of mail " + mail.getName(), io);
            }
            replace(mail, out.toByteArray());
        }
    }

    /**
     * Replaces the Mail's message with exactly these bytes. James's own mails get a message over the bytes that is
     * parsed only when asked and written out as is (a plain MimeMessage would be parsed here and copied again by
     * {@code MailImpl.setMessage}).
     */
    public static void replace(Mail mail, byte[] message) throws MessagingException {
        if (mail instanceof MailImpl) {
            ((MailImpl) mail).setMessageContent(new BytesSource(mail.getName(), message));
        } else {
            mail.setMessage(new MimeMessage(MimeSession.SHARED, new SharedByteArrayInputStream(message)));
        }
    }

    private static final byte[] CRLF = {'\r', '\n'};

    public static byte[] of(MimeMessage message) throws IOException, MessagingException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        writeTo(message, out);
        return out.toByteArray();
    }
}
