package org.jamesexim.mailets;

import javax.mail.MessagingException;
import javax.mail.Provider;
import javax.mail.Session;
import javax.mail.URLName;

import com.sun.mail.smtp.SMTPTransport;

/**
 * James's javax.mail SMTP client, unchanged except that it tells the delivery attempt running on its thread
 * ({@link DsnInfoRecording}) the server's greeting, its EHLO/HELO reply and the commands it answered. Only
 * {@link DsnInfoRemoteDelivery}'s sessions create it (see {@link DsnInfoProviderLoader}); used anywhere else it
 * records nothing.
 */
public class DsnInfoSmtpTransport extends SMTPTransport {
    private final DsnInfoRecording recording;

    public DsnInfoSmtpTransport(Session session, URLName urlname) {
        this(session, urlname, "smtp", false);
    }

    protected DsnInfoSmtpTransport(Session session, URLName urlname, String name, boolean isSSL) {
        super(session, urlname, name, isSSL);
        this.recording = DsnInfoRecording.current();
        if (recording != null) {
            recording.transportUsed();
        }
    }

    @Override
    protected int readServerResponse() throws MessagingException {
        int code = super.readServerResponse();
        if (recording != null) {
            recording.reply(getLastServerResponse());
        }
        return code;
    }

    @Override
    protected boolean ehlo(String domain) throws MessagingException {
        try {
            return super.ehlo(domain);
        } finally {
            recordHelo();
        }
    }

    @Override
    protected void helo(String domain) throws MessagingException {
        try {
            super.helo(domain);
        } finally {
            recordHelo();
        }
    }

    @Override
    protected void sendCommand(String cmd) throws MessagingException {
        if (recording != null) {
            recording.command(cmd);
        }
        super.sendCommand(cmd);
    }

    private void recordHelo() {
        if (recording != null) {
            recording.heloResponse(getLastServerResponse());
        }
    }

    /** Names {@link DsnInfoSmtpTransport} for {@code smtp} (listed in our javax.mail.Provider services file). */
    public static class SmtpProvider extends Provider {
        public SmtpProvider() {
            super(Type.TRANSPORT, "smtp", DsnInfoSmtpTransport.class.getName(), "James Exim Pack", null);
        }
    }

    /** Names {@link Smtps} for {@code smtps}. */
    public static class SmtpsProvider extends Provider {
        public SmtpsProvider() {
            super(Type.TRANSPORT, "smtps", Smtps.class.getName(), "James Exim Pack", null);
        }
    }

    /** The same over implicit TLS ({@code smtps}). */
    public static class Smtps extends DsnInfoSmtpTransport {
        public Smtps(Session session, URLName urlname) {
            super(session, urlname, "smtps", true);
        }
    }
}
