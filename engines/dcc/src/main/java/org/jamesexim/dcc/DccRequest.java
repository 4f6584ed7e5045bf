package org.jamesexim.dcc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The envelope dccifd is told about (request lines 2 to 5). Immutable.
 *
 * <p>Values that would break the line framing are cleaned: a CR or LF inside a field (impossible in a real SMTP
 * dialogue, but a mailet can set anything) becomes a blank, so no field can inject a line of its own.</p>
 */
public final class DccRequest {
    /** What Exim sends on line 2 for a local submission (no client host). */
    public static final String LOCAL_CLIENT_IP = "127.0.0.1";

    private final String clientIp;
    private final String clientName;
    private final String helo;
    private final String sender;
    private final List<String> recipients;

    private DccRequest(Builder b) {
        this.clientIp = b.clientIp == null ? LOCAL_CLIENT_IP : b.clientIp;
        this.clientName = b.clientName;
        this.helo = b.helo == null ? "" : b.helo;
        this.sender = b.sender == null ? "<>" : b.sender;
        this.recipients = Collections.unmodifiableList(new ArrayList<>(b.recipients));
    }

    public static Builder builder() {
        return new Builder();
    }

    public String clientIp() {
        return clientIp;
    }

    /** The client host name, or null when unknown (then line 2 carries the IP alone). */
    public String clientName() {
        return clientName;
    }

    public String helo() {
        return helo;
    }

    /** The envelope sender as sent on line 4: the address, or {@code <>} for the null sender. */
    public String sender() {
        return sender;
    }

    public List<String> recipients() {
        return recipients;
    }

    /** Request lines 2 to 5 and the empty line ending the recipients, LF-terminated (options line not included). */
    String envelopeLines() {
        StringBuilder sb = new StringBuilder(128);
        sb.append(clientIp);
        if (clientName != null && !clientName.isEmpty()) {
            sb.append('\r').append(clientName);
        }
        sb.append('\n').append(helo).append('\n').append(sender).append('\n');
        for (String r : recipients) {
            sb.append(r).append('\n');
        }
        sb.append('\n');
        return sb.toString();
    }

    /**
     * True when {@code value} is an IPv4 or IPv6 address literal (no name lookup is ever made).
     * Used to vet a client IP override before it goes on the wire.
     */
    public static boolean isIpLiteral(String value) {
        if (value == null || value.isEmpty() || value.length() > 45) {
            return false;
        }
        if (value.indexOf(':') >= 0) {
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
                if (!ok) {
                    return false;
                }
            }
            try {
                // only hex digits, colons and dots: parsed as an IPv6 literal, never looked up
                java.net.InetAddress.getByName(value);
                return true;
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }
        String[] parts = value.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3) {
                return false;
            }
            for (int i = 0; i < p.length(); i++) {
                if (p.charAt(i) < '0' || p.charAt(i) > '9') {
                    return false;
                }
            }
            if (Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    /**
     * An IPv6 literal in its RFC 5952 form ({@code 2001:db8::25}, as other clients send it; Java writes
     * {@code 2001:db8:0:0:0:0:0:25}); an IPv4-mapped one as its IPv4 address. Only called on a checked literal.
     */
    static String compressed(String literal) {
        java.net.InetAddress a;
        try {
            a = java.net.InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            return literal;
        }
        byte[] b = a.getAddress();
        if (b.length != 16) {
            return a.getHostAddress();
        }
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    static String oneLine(String v) {
        if (v == null) {
            return null;
        }
        if (v.indexOf('\r') < 0 && v.indexOf('\n') < 0) {
            return v;
        }
        return v.replace('\r', ' ').replace('\n', ' ');
    }

    @Override
    public String toString() {
        return "client=" + clientIp + (clientName == null ? "" : " (" + clientName + ")") + " helo=" + helo + " sender=" + sender
            + " recipients=" + recipients;
    }

    public static final class Builder {
        private String clientIp;
        private String clientName;
        private String helo;
        private String sender;
        private final List<String> recipients = new ArrayList<>();

        /**
         * The SMTP client's IP address; null or empty means a local submission ({@value #LOCAL_CLIENT_IP}, as Exim).
         *
         * @throws IllegalArgumentException when the value is not an IP address literal
         */
        public Builder clientIp(String ip) {
            if (ip == null || ip.isEmpty()) {
                this.clientIp = null;
                return this;
            }
            String v = ip.trim();
            if (v.startsWith("[") && v.endsWith("]")) {
                v = v.substring(1, v.length() - 1);
            }
            if (!isIpLiteral(v)) {
                throw new IllegalArgumentException("client IP is not an IP address literal: '" + oneLine(ip) + "'");
            }
            this.clientIp = v.indexOf(':') >= 0 ? compressed(v) : v;
            return this;
        }

        /** The client's host name when known (verified reverse DNS); null for none. */
        public Builder clientName(String name) {
            this.clientName = name == null || name.isEmpty() ? null : oneLine(name);
            return this;
        }

        public Builder helo(String value) {
            this.helo = oneLine(value);
            return this;
        }

        /** The envelope sender address; null or empty for the null sender (sent as {@code <>}). */
        public Builder sender(String address) {
            this.sender = address == null || address.isEmpty() ? null : oneLine(address);
            return this;
        }

        /**
         * Adds a recipient address. An empty recipient is refused: the empty line would end the recipient list. (A
         * {@code <>} recipient is an ordinary recipient to dccifd 2.3.167, shared/vectors/dcc-real raw-nullrcpt-u.)
         */
        public Builder recipient(String address) {
            Objects.requireNonNull(address, "recipient");
            String v = oneLine(address).trim();
            if (v.isEmpty()) {
                throw new IllegalArgumentException("empty recipient address");
            }
            recipients.add(v);
            return this;
        }

        public Builder recipients(Iterable<String> addresses) {
            for (String a : addresses) {
                recipient(a);
            }
            return this;
        }

        public DccRequest build() {
            return new DccRequest(this);
        }
    }
}
