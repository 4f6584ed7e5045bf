package org.jamesexim.bmi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the MTA hands the engine, as Exim hands the BMI SDK: client IP and names, envelope sender, each recipient with
 * its own opt-in profile, and the raw RFC 5322 message. Immutable (the message bytes are not copied: callers must not
 * change the array afterwards).
 */
public final class BmiMessage {
    private final String clientIp;
    private final String clientHostname;
    private final String helo;
    private final String sender;
    private final String queueId;
    private final String authenticatedUser;
    private final Map<String, BmiOptin> recipients;
    private final byte[] content;

    private BmiMessage(Builder b) {
        this.clientIp = b.clientIp == null || b.clientIp.isEmpty() ? "127.0.0.1" : b.clientIp;
        this.clientHostname = b.clientHostname;
        this.helo = b.helo;
        this.sender = b.sender == null ? "" : b.sender;
        this.queueId = b.queueId;
        this.authenticatedUser = b.authenticatedUser;
        if (b.recipients.isEmpty()) {
            throw new IllegalArgumentException("a message to scan needs at least one recipient");
        }
        this.recipients = Collections.unmodifiableMap(new LinkedHashMap<>(b.recipients));
        this.content = Objects.requireNonNull(b.content, "content");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Client IP; {@code 127.0.0.1} for local submission, as in Exim. */
    public String clientIp() {
        return clientIp;
    }

    /** Resolved client host name, or null if unknown. */
    public String clientHostname() {
        return clientHostname;
    }

    public String helo() {
        return helo;
    }

    /** Envelope sender, empty for the null sender. */
    public String sender() {
        return sender;
    }

    public String queueId() {
        return queueId;
    }

    public String authenticatedUser() {
        return authenticatedUser;
    }

    /** Recipients (in RCPT order) with their opt-in profiles. */
    public Map<String, BmiOptin> recipients() {
        return recipients;
    }

    /** Recipients grouped by opt-in profile, in order of first appearance: one scan per group. */
    public Map<BmiOptin, List<String>> recipientsByProfile() {
        Map<BmiOptin, List<String>> groups = new LinkedHashMap<>();
        recipients.forEach((rcpt, optin) -> groups.computeIfAbsent(optin, k -> new ArrayList<>()).add(rcpt));
        return groups;
    }

    public byte[] content() {
        return content;
    }

    /** Builder; not thread-safe. */
    public static final class Builder {
        private String clientIp;
        private String clientHostname;
        private String helo;
        private String sender;
        private String queueId;
        private String authenticatedUser;
        private final Map<String, BmiOptin> recipients = new LinkedHashMap<>();
        private byte[] content;

        private Builder() {
        }

        public Builder clientIp(String v) {
            clientIp = v;
            return this;
        }

        public Builder clientHostname(String v) {
            clientHostname = v;
            return this;
        }

        public Builder helo(String v) {
            helo = v;
            return this;
        }

        public Builder sender(String v) {
            sender = v;
            return this;
        }

        public Builder queueId(String v) {
            queueId = v;
            return this;
        }

        public Builder authenticatedUser(String v) {
            authenticatedUser = v;
            return this;
        }

        /** Adds a recipient; a repeated address keeps its first profile. */
        public Builder recipient(String address, BmiOptin optin) {
            recipients.putIfAbsent(Objects.requireNonNull(address, "address"), optin == null ? BmiOptin.none() : optin);
            return this;
        }

        public Builder content(byte[] v) {
            content = v;
            return this;
        }

        public BmiMessage build() {
            return new BmiMessage(this);
        }
    }
}
