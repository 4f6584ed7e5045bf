package org.jamesexim.dsn;

import java.util.List;
import java.util.Locale;

import org.jamesexim.common.LogText;

/**
 * Exim 4.99's {@code PS=<letters>} on its {@code =>} and {@code **} delivery lines: the SMTP protocol steps of the
 * connection, one letter each in the order they happened: {@code e} EHLO, {@code h} HELO, {@code l} LHLO and
 * {@code a} AUTH when the command is sent, {@code s} when STARTTLS was answered {@code 220} (TLS started). Seen with
 * Exim: {@code PS=e}, {@code PS=eh} (EHLO refused, then HELO), {@code PS=ese} (EHLO, STARTTLS, EHLO again). Not
 * thread-safe: one per attempt. Also formats the pack's delivery line that carries it.
 */
public final class ProtocolSteps {
    /** More letters than any real exchange has: a server that makes the client loop cannot grow the line. */
    public static final int MAX_LETTERS = 16;

    private final StringBuilder letters = new StringBuilder();
    private boolean startTlsSent;

    /** A command the client sent (only its verb is looked at). */
    public void command(String command) {
        String upper = command == null ? "" : command.trim().toUpperCase(Locale.ROOT);
        startTlsSent = upper.equals("STARTTLS");
        if (upper.startsWith("EHLO")) {
            add('e');
        } else if (upper.startsWith("HELO")) {
            add('h');
        } else if (upper.startsWith("LHLO")) {
            add('l');
        } else if (upper.startsWith("AUTH")) {
            add('a');
        }
    }

    /** The reply to the last command: a {@code 220} to STARTTLS is TLS. */
    public void reply(String reply) {
        if (startTlsSent && reply != null && reply.startsWith("220")) {
            add('s');
        }
        startTlsSent = false;
    }

    private void add(char c) {
        if (letters.length() < MAX_LETTERS) {
            letters.append(c);
        }
    }

    /** The letters so far ({@code ese}); empty before any step. */
    public String letters() {
        return letters.toString();
    }

    /**
     * The pack's delivery line, in Exim's shape: {@code => a@b.example,c@b.example H=mx.b.example [192.0.2.1]:25 PS=ese}
     * ({@code **} for recipients refused for good, {@code ==} deferred). The host name is the remote side's DNS
     * answer and the recipients are the sender's: both as {@link LogText} writes them (printable ASCII, escaped, cut short).
     *
     * @param kind {@code =>}, {@code **} or {@code ==}
     * @param host the host name, or null when the address was all there was
     */
    public static String line(String kind, List<String> recipients, String host, String address, int port, String letters) {
        StringBuilder b = new StringBuilder(kind).append(' ');
        int shown = 0;
        for (String r : recipients) {
            if (shown == 20) {
                b.append(",... (").append(recipients.size()).append(" recipients)");
                break;
            }
            b.append(shown++ == 0 ? "" : ",").append(LogText.escape(r, 256));
        }
        b.append(" H=");
        if (host != null && !host.isEmpty() && !host.equals(address)) {
            b.append(LogText.escape(host, 255)).append(' ');
        }
        b.append('[').append(LogText.escape(address, 64)).append("]:").append(port);
        if (!letters.isEmpty()) {
            b.append(" PS=").append(letters);
        }
        return b.toString();
    }
}
