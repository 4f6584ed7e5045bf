package org.jamesexim.mailets.dsn;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.jamesexim.dsn.SmtpFailure;

/**
 * What one delivery attempt to one host saw: filled by {@link DsnInfoSmtpTransport} on the delivery thread, read
 * by {@link DsnInfoMailDelivrerToHost} when the attempt ends. Confined to one thread.
 */
final class DsnInfoRecording {
    /** Longest value kept of a greeting, EHLO reply or error reply (the bounce uses far less of it). */
    static final int RECORDED_MAX = 4096;
    private static final ThreadLocal<DsnInfoRecording> CURRENT = new ThreadLocal<>();
    private final org.jamesexim.dsn.ProtocolSteps steps = new org.jamesexim.dsn.ProtocolSteps();

    private final long deadline;
    private volatile java.net.Socket socket;
    private volatile boolean expired;

    private boolean transportUsed;
    private String greeting;
    private String heloResponse;
    private String lastCommand;
    private String lastReply;
    private final Map<String, SmtpFailure> failures = new LinkedHashMap<>();

    /** @param deadline {@link System#nanoTime()} by which the attempt ends (0: none) */
    DsnInfoRecording(long deadline) {
        this.deadline = deadline;
    }

    DsnInfoRecording() {
        this(0);
    }

    long deadline() {
        return deadline;
    }

    /** The attempt's connection (the transport tells it once connected, and again after STARTTLS). */
    void socket(java.net.Socket s) {
        socket = s;
        if (expired) {
            closeSocket();
        }
    }

    /** The deadline passed: closes the connection so that a blocked read or write of the attempt ends. */
    void expire() {
        expired = true;
        closeSocket();
    }

    boolean expired() {
        return expired;
    }

    private void closeSocket() {
        java.net.Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (java.io.IOException ignored) {
                // the attempt fails on its next read or write
            }
        }
    }

    /** At most {@link #RECORDED_MAX} characters of a value from the server. */
    static String capped(String value) {
        return value == null || value.length() <= RECORDED_MAX ? value : value.substring(0, RECORDED_MAX);
    }

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
        steps.reply(reply);
        String kept = capped(reply);
        if (greeting == null) {
            greeting = kept;
        }
        lastReply = kept;
    }

    void heloResponse(String reply) {
        heloResponse = capped(reply);
    }

    /**
     * Remembers a command sent, by its verb only for AUTH and anything unknown, so that no credential or
     * message line is ever kept.
     */
    void command(String command) {
        steps.command(command);
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

    /** Exim's {@code PS=} letters of this attempt ({@link ProtocolSteps}). */
    String protocolSteps() {
        return steps.letters();
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
        failures.putIfAbsent(recipient, SmtpFailure.of(capped(failure.command()), capped(failure.reply())));
    }

    Map<String, SmtpFailure> failures() {
        return failures;
    }
}
