package org.jamesexim.dsn;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A remote SMTP server's error reply and the command it answered, e.g. {@code RCPT TO:<a@b>} and
 * {@code 550-5.1.1 unknown\n550 5.1.1 user}. The command is {@code initial connection} for a refused greeting.
 */
public final class SmtpFailure {
    /** The command name Exim uses when the greeting itself was the error. */
    public static final String INITIAL_CONNECTION = "initial connection";
    private static final Pattern REPLY = Pattern.compile("^([2-5])(\\d\\d)(?:[ -]([2-5])\\.(\\d{1,3})\\.(\\d{1,3})(?=\\s|$))?");

    private final String command;
    private final String reply;

    private SmtpFailure(String command, String reply) {
        this.command = command;
        this.reply = reply;
    }

    /**
     * @param command the command the reply answered, as sent (credentials must not be given here)
     * @param reply the complete reply, lines separated by {@code \n} or CRLF
     */
    public static SmtpFailure of(String command, String reply) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(reply, "reply");
        return new SmtpFailure(command, reply);
    }

    public String command() {
        return command;
    }

    public String reply() {
        return reply;
    }

    /** The three-digit reply code, or 0 when the reply does not start with one. */
    public int code() {
        Matcher m = REPLY.matcher(HeaderValues.firstLine(reply, HeaderValues.SHORT_VALUE_MAX));
        return m.find() ? Integer.parseInt(m.group(1) + m.group(2)) : 0;
    }

    /**
     * The RFC 3463 status for a failed recipient: the reply's enhanced code when it has one of class 5,
     * else {@code 5.0.0} (Exim writes 5.0.0 always).
     */
    public String failedStatus() {
        Matcher m = REPLY.matcher(HeaderValues.firstLine(reply, HeaderValues.SHORT_VALUE_MAX));
        if (m.find() && "5".equals(m.group(3))) {
            return m.group(3) + "." + Integer.parseInt(m.group(4)) + "." + Integer.parseInt(m.group(5));
        }
        return "5.0.0";
    }

    /** Exim's wording: {@code SMTP error from remote mail server after <command>: <reply>} (reply lines kept). */
    public String diagnostic() {
        return "SMTP error from remote mail server after " + command + ": " + reply;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SmtpFailure && ((SmtpFailure) o).command.equals(command) && ((SmtpFailure) o).reply.equals(reply);
    }

    @Override
    public int hashCode() {
        return Objects.hash(command, reply);
    }

    @Override
    public String toString() {
        return diagnostic();
    }
}
