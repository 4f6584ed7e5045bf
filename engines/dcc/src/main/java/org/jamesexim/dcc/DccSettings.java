package org.jamesexim.dcc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.jamesexim.common.Endpoint;
import org.jamesexim.common.LogText;

/**
 * How to reach dccifd and what to ask it: Exim's main-section options {@code dccifd_address} and
 * {@code dccifd_options}, plus the connect and exchange timeouts Exim lacks. Immutable.
 */
public final class DccSettings {
    /** Exim's default {@code dccifd_address}. */
    public static final String DEFAULT_ADDRESS = "/usr/local/dcc/var/dccifd";
    /** Exim's default {@code dccifd_options}. */
    public static final String DEFAULT_OPTIONS = "header";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /**
     * The option words dccifd understands on request line 1 (include/dccif.h, DCC 2.3.167). Any other word makes
     * dccifd close the connection without a reply, so it is refused here at configuration time.
     */
    public static final List<String> KNOWN_OPTIONS = Collections.unmodifiableList(Arrays.asList(
        "header", "cksums", "body", "query", "grey-off", "no-grey", "grey-query", "no-reject", "spam", "log",
        "rcvd-nxt", "rcvd-next"));

    private final Endpoint address;
    private final String options;
    private final Duration connectTimeout;
    private final Duration timeout;

    private DccSettings(Builder b) {
        this.address = b.address;
        this.options = b.options;
        this.connectTimeout = b.connectTimeout;
        this.timeout = b.timeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code dccifd_address}: a unix socket path, or {@code host port}. */
    public Endpoint address() {
        return address;
    }

    /** {@code dccifd_options}: sent verbatim as request line 1. */
    public String options() {
        return options;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Deadline for the whole exchange after connecting (write the message, read the reply). */
    public Duration timeout() {
        return timeout;
    }

    /** True when the options ask dccifd for the header (words {@code header} or {@code cksums}). */
    public boolean wantsHeader() {
        for (String w : words(options)) {
            if (w.equals("header") || w.equals("cksums")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Checks a {@code dccifd_options} value: blank-separated words from {@link #KNOWN_OPTIONS}, any case.
     * {@code body} is refused: dccifd would send the whole message back, which this client has no use for.
     *
     * @return the value unchanged
     * @throws IllegalArgumentException naming the bad word
     */
    public static String checkOptions(String value) {
        Objects.requireNonNull(value, "dccifd_options");
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("dccifd_options must be one line: " + LogText.quote(value));
        }
        for (String w : words(value)) {
            if (w.equals("body")) {
                throw new IllegalArgumentException("dccifd_options: 'body' is not supported (dccifd would send the whole message back); use 'header'");
            }
            if (!KNOWN_OPTIONS.contains(w)) {
                throw new IllegalArgumentException("dccifd_options: unknown word '" + w + "' (dccifd closes the connection without a reply on it); known: "
                    + String.join(" ", KNOWN_OPTIONS));
            }
        }
        return value;
    }

    private static List<String> words(String value) {
        List<String> out = new ArrayList<>();
        for (String w : value.trim().split("[ \t]+")) {
            if (!w.isEmpty()) {
                out.add(w.toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "dccifd_address=" + address + " dccifd_options='" + options + "' connect_timeout=" + connectTimeout.toMillis()
            + "ms timeout=" + timeout.toMillis() + "ms";
    }

    public static final class Builder {
        private Endpoint address = Endpoint.unix(DEFAULT_ADDRESS);
        private String options = DEFAULT_OPTIONS;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration timeout = DEFAULT_TIMEOUT;

        /** Parses Exim's {@code dccifd_address} form: {@code /path} or {@code host port}. */
        public Builder address(String value) {
            try {
                this.address = Endpoint.parse(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("dccifd_address: " + e.getMessage(), e);
            }
            return this;
        }

        public Builder address(Endpoint value) {
            this.address = Objects.requireNonNull(value, "dccifd_address");
            return this;
        }

        public Builder options(String value) {
            this.options = checkOptions(value);
            return this;
        }

        public Builder connectTimeout(Duration value) {
            this.connectTimeout = positive(value, "dccifd_connect_timeout");
            return this;
        }

        public Builder timeout(Duration value) {
            this.timeout = positive(value, "dccifd_timeout");
            return this;
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(name + " must be positive: " + d);
            }
            return d;
        }

        public DccSettings build() {
            return new DccSettings(this);
        }
    }
}
