package org.jamesexim.mailets.dsn;

import java.io.InputStream;
import java.net.Socket;

import javax.mail.MessagingException;
import javax.mail.Provider;
import javax.mail.Session;
import javax.mail.URLName;

import org.jamesexim.dsn.BoundedReplyInput;
import org.jamesexim.mailets.DsnInfoRemoteDelivery;
import org.jamesexim.mailets.james.JamesInternals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.mail.smtp.SMTPTransport;
import com.sun.mail.util.LineInputStream;

/**
 * James's javax.mail SMTP client, unchanged except that it tells the delivery attempt running on its thread
 * ({@link DsnInfoRecording}) the server's greeting, its EHLO/HELO reply and the commands it answered, and that it
 * reads every reply through a {@link BoundedReplyInput} (line, line count and size caps, the attempt's deadline)
 * and hands the attempt its socket (closed at the deadline). Only {@link DsnInfoRemoteDelivery}'s sessions create
 * it (see {@link DsnInfoProviderLoader}); used anywhere else it records and bounds nothing.
 *
 * <p>javax.mail 1.6.2 keeps the reply reader and the socket in private fields, reached through {@link JamesInternals}
 * (set again after STARTTLS); if they are missing, one WARN says so and replies are read as javax.mail alone reads
 * them.</p>
 */
public class DsnInfoSmtpTransport extends SMTPTransport {
    private static final Logger LOGGER = LoggerFactory.getLogger(DsnInfoSmtpTransport.class);
    private static volatile boolean warned;

    private final DsnInfoRecording recording;
    private InputStream boundedBase;
    private BoundedReplyInput bounded;

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

    /** Puts the bounded reader under javax.mail's line reader once per set of streams (connect, STARTTLS). */
    private void bound() {
        if (!JamesInternals.smtpTransportStreams()) {
            if (!warned) {
                warned = true;
                LOGGER.warn("this javax.mail has no serverInput/lineInputStream/serverSocket fields: remote SMTP replies are not capped");
            }
            return;
        }
        try {
            InputStream base = JamesInternals.serverInput(this);
            if (base != null && base != boundedBase) {
                boundedBase = base;
                bounded = new BoundedReplyInput(base, recording.deadline());
                JamesInternals.replaceLineInputStream(this, new LineInputStream(bounded, session != null
                    && Boolean.parseBoolean(session.getProperty("mail.mime.allowutf8"))));
                Socket socket = JamesInternals.serverSocket(this);
                if (socket != null) {
                    recording.socket(socket);
                }
            }
            if (bounded != null) {
                bounded.startReply();
            }
        } catch (JamesInternals.Unsupported | RuntimeException e) {
            if (!warned) {
                warned = true;
                LOGGER.warn("cannot cap remote SMTP replies with this javax.mail: {}", e.toString());
            }
        }
    }

    @Override
    protected int readServerResponse() throws MessagingException {
        if (recording != null) {
            bound();
        }
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
