package org.jamesexim.queuefile;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jamesexim.common.LogText;

/**
 * Everything about a message except its bytes: sender, recipients, where it came from, James's processing
 * state and its mail attributes. Immutable; build with {@link #builder()}.
 *
 * <p>Attributes are carried as JSON text (James's {@code AttributeValue.toJson()} form) keyed by attribute
 * name, so this engine needs no James types; attributes that have no JSON form are listed by name in
 * {@link #unrepresentedAttributes()} so that the loss is visible.</p>
 */
public final class SpoolEnvelope {
    private final String name;
    private final String sender;
    private final List<SpoolRecipient> recipients;
    private final String state;
    private final String errorMessage;
    private final String remoteAddr;
    private final String remoteHost;
    private final int remotePort;
    private final String heloName;
    private final String authUser;
    private final Instant receivedTime;
    private final String dsnEnvid;
    private final String dsnRet;
    private final Map<String, List<SpoolHeader>> perRecipientHeaders;
    private final Map<String, String> attributes;
    private final List<String> unrepresentedAttributes;

    private SpoolEnvelope(Builder b) {
        if (b.recipients.isEmpty()) {
            throw new IllegalArgumentException("a spooled message needs at least one recipient");
        }
        if (b.sender != null && (b.sender.isEmpty() || b.sender.indexOf('\n') >= 0 || b.sender.indexOf('\r') >= 0 || b.sender.indexOf('\0') >= 0)) {
            throw new IllegalArgumentException("invalid sender " + LogText.quote(b.sender) + " (use null for the null sender <>)");
        }
        if (b.dsnRet != null && !(b.dsnRet.equals("FULL") || b.dsnRet.equals("HDRS"))) {
            throw new IllegalArgumentException("invalid DSN RET " + LogText.quote(b.dsnRet) + ": expected FULL or HDRS");
        }
        this.name = b.name;
        this.sender = b.sender;
        this.recipients = List.copyOf(b.recipients);
        this.state = b.state;
        this.errorMessage = b.errorMessage;
        this.remoteAddr = b.remoteAddr;
        this.remoteHost = b.remoteHost;
        this.remotePort = b.remotePort;
        this.heloName = b.heloName;
        this.authUser = b.authUser;
        this.receivedTime = b.receivedTime == null ? Instant.now() : b.receivedTime;
        this.dsnEnvid = b.dsnEnvid;
        this.dsnRet = b.dsnRet;
        Map<String, List<SpoolHeader>> prh = new LinkedHashMap<>();
        b.perRecipientHeaders.forEach((k, v) -> prh.put(k, List.copyOf(v)));
        this.perRecipientHeaders = Collections.unmodifiableMap(prh);
        this.attributes = Collections.unmodifiableMap(new LinkedHashMap<>(b.attributes));
        this.unrepresentedAttributes = List.copyOf(b.unrepresentedAttributes);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder().name(name).sender(sender).recipients(recipients).state(state).errorMessage(errorMessage)
                .remoteAddr(remoteAddr).remoteHost(remoteHost).remotePort(remotePort).heloName(heloName).authUser(authUser)
                .receivedTime(receivedTime).dsnEnvid(dsnEnvid).dsnRet(dsnRet);
        perRecipientHeaders.forEach((r, hs) -> hs.forEach(h -> b.addPerRecipientHeader(r, h)));
        b.attributes.putAll(attributes);
        b.unrepresentedAttributes.addAll(unrepresentedAttributes);
        return b;
    }

    /** James's mail name, or null. */
    public String name() {
        return name;
    }

    /** The envelope sender, or null for the null sender {@code <>}. */
    public String sender() {
        return sender;
    }

    public List<SpoolRecipient> recipients() {
        return recipients;
    }

    /** James's processor name at the time of writing (e.g. {@code root}), or null. */
    public String state() {
        return state;
    }

    public String errorMessage() {
        return errorMessage;
    }

    public String remoteAddr() {
        return remoteAddr;
    }

    public String remoteHost() {
        return remoteHost;
    }

    /** The client's TCP port, 0 when unknown (James does not record it). */
    public int remotePort() {
        return remotePort;
    }

    /** The HELO/EHLO name the client gave (Exim: {@code sender_helo_name}). */
    public String heloName() {
        return heloName;
    }

    /** The SMTP AUTH user (Exim: {@code authenticated_id}). */
    public String authUser() {
        return authUser;
    }

    public Instant receivedTime() {
        return receivedTime;
    }

    /** DSN ENVID, or null. */
    public String dsnEnvid() {
        return dsnEnvid;
    }

    /** DSN RET: {@code FULL}, {@code HDRS} or null. */
    public String dsnRet() {
        return dsnRet;
    }

    public Map<String, List<SpoolHeader>> perRecipientHeaders() {
        return perRecipientHeaders;
    }

    /** Attribute name → James attribute JSON. */
    public Map<String, String> attributes() {
        return attributes;
    }

    public List<String> unrepresentedAttributes() {
        return unrepresentedAttributes;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SpoolEnvelope)) {
            return false;
        }
        SpoolEnvelope e = (SpoolEnvelope) o;
        return Objects.equals(name, e.name) && Objects.equals(sender, e.sender) && recipients.equals(e.recipients)
                && Objects.equals(state, e.state) && Objects.equals(errorMessage, e.errorMessage)
                && Objects.equals(remoteAddr, e.remoteAddr) && Objects.equals(remoteHost, e.remoteHost)
                && remotePort == e.remotePort && Objects.equals(heloName, e.heloName) && Objects.equals(authUser, e.authUser)
                && receivedTime.equals(e.receivedTime) && Objects.equals(dsnEnvid, e.dsnEnvid) && Objects.equals(dsnRet, e.dsnRet)
                && perRecipientHeaders.equals(e.perRecipientHeaders) && attributes.equals(e.attributes)
                && unrepresentedAttributes.equals(e.unrepresentedAttributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, sender, recipients, receivedTime);
    }

    @Override
    public String toString() {
        return "SpoolEnvelope{name=" + name + ", sender=<" + (sender == null ? "" : sender) + ">, recipients=" + recipients + "}";
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private String name;
        private String sender;
        private final List<SpoolRecipient> recipients = new ArrayList<>();
        private String state;
        private String errorMessage;
        private String remoteAddr;
        private String remoteHost;
        private int remotePort;
        private String heloName;
        private String authUser;
        private Instant receivedTime;
        private String dsnEnvid;
        private String dsnRet;
        private final Map<String, List<SpoolHeader>> perRecipientHeaders = new LinkedHashMap<>();
        private final Map<String, String> attributes = new LinkedHashMap<>();
        private final List<String> unrepresentedAttributes = new ArrayList<>();

        public Builder name(String v) { this.name = v; return this; }
        public Builder sender(String v) { this.sender = v; return this; }
        public Builder recipients(List<SpoolRecipient> v) { this.recipients.clear(); this.recipients.addAll(v); return this; }
        public Builder addRecipient(SpoolRecipient v) { this.recipients.add(Objects.requireNonNull(v)); return this; }
        public Builder addRecipient(String address) { return addRecipient(SpoolRecipient.of(address)); }
        public Builder state(String v) { this.state = v; return this; }
        public Builder errorMessage(String v) { this.errorMessage = v; return this; }
        public Builder remoteAddr(String v) { this.remoteAddr = v; return this; }
        public Builder remoteHost(String v) { this.remoteHost = v; return this; }
        public Builder remotePort(int v) {
            if (v < 0 || v > 65535) {
                throw new IllegalArgumentException("remote port out of range: " + v);
            }
            this.remotePort = v;
            return this;
        }
        public Builder heloName(String v) { this.heloName = v; return this; }
        public Builder authUser(String v) { this.authUser = v; return this; }
        public Builder receivedTime(Instant v) { this.receivedTime = v; return this; }
        public Builder dsnEnvid(String v) { this.dsnEnvid = v; return this; }
        public Builder dsnRet(String v) { this.dsnRet = v; return this; }
        public Builder addPerRecipientHeader(String recipient, SpoolHeader h) {
            perRecipientHeaders.computeIfAbsent(recipient, k -> new ArrayList<>()).add(h);
            return this;
        }
        public Builder attribute(String attributeName, String json) { attributes.put(attributeName, json); return this; }
        public Builder removeAttribute(String attributeName) { attributes.remove(attributeName); return this; }
        public Builder unrepresentedAttribute(String attributeName) { unrepresentedAttributes.add(attributeName); return this; }

        public SpoolEnvelope build() {
            return new SpoolEnvelope(this);
        }
    }
}
