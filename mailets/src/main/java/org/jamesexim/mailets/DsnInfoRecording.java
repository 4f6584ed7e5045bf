package org.jamesexim.mailets;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.jamesexim.dsn.SmtpFailure;

/**
 * What one delivery attempt to one host saw: filled by {@link DsnInfoSmtpTransport} on the delivery thread, read
 * by {@link DsnInfoMailDelivrerToHost} when the attempt ends. Confined to one thread.
 */
final class DsnInfoRecording {
    private static final ThreadLocal<DsnInfoRecording> CURRENT = new ThreadLocal<>();

    private boolean transportUsed;
    private String greeting;
    private String heloResponse;
    private String lastCommand;
    private String lastReply;
    private final Map<String, SmtpFailure> failures = new LinkedHashMap<>();

    /** The recording of the attempt running on this thread, or null when none is (a transport used elsewhere). */
    static DsnInfoRecording current() {
        return CURRENT.get();
    }

    void bind() {
        CURRENT.set(this);
    }

    void unbind() {
        CURRENT.remove();
    }

    void transportUsed() {
        transportUsed = true;
    }

    boolean wasTransportUsed() {
        return transportUsed;
    }

    void reply(String reply) {
        if (greeting == null) {
            greeting = reply;
        }
        lastReply = reply;
    }

    void heloResponse(String reply) {
        heloResponse = reply;
    }

    /**
     * Remembers a command sent, by its verb only for AUTH and anything unknown, so that no credential or
     * message line is ever kept.
     */
    void command(String command) {
        String upper = command.toUpperCase(Locale.ROOT);
        if (upper.startsWith("MAIL FROM:") || upper.startsWith("RCPT TO:") || upper.startsWith("EHLO ") || upper.startsWith("HELO ")
            || upper.equals("DATA") || upper.startsWith("BDAT") || upper.equals("RSET") || upper.equals("QUIT")
            || upper.equals("STARTTLS") || upper.equals("NOOP")) {
            lastCommand = command;
        } else if (upper.equals(".")) {
            lastCommand = "end of data";
        } else if (upper.startsWith("AUTH")) {
            lastCommand = "AUTH";
        }
    }

    String greeting() {
        return greeting;
    }

    String heloResponse() {
        return heloResponse;
    }

    String lastCommand() {
        return lastCommand;
    }

    String lastReply() {
        return lastReply;
    }

    void failure(String recipient, SmtpFailure failure) {
        failures.putIfAbsent(recipient, failure);
    }

    Map<String, SmtpFailure> failures() {
        return failures;
    }
}
