package org.jamesexim.dmarc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * What DMARC is evaluated from: the RFC5322.From field values, the SPF result and the domain it was for (RFC 7489
 * §4.1: the MAIL FROM domain, or the HELO name for a null sender), the DKIM results (each signature's {@code d=} and
 * result word), and for the ARC local policy the chain's state, the trusted newest sealer and the
 * ARC-Authentication-Results of the oldest passing hop. Immutable; build with {@link #builder()}.
 */
public final class DmarcInput {
    /** One DKIM signature's outcome: its {@code d=} and the RFC 8601 result word ({@code pass}, {@code fail}, ...). */
    public static final class Dkim {
        private final String domain;
        private final String result;

        public Dkim(String domain, String result) {
            this.domain = domain;
            this.result = result == null ? "" : result.toLowerCase(Locale.ROOT);
        }

        public String domain() {
            return domain;
        }

        public String result() {
            return result;
        }
    }

    private final List<String> fromFields;
    private final String spfResult;
    private final String spfDomain;
    private final List<Dkim> dkim;
    private final String arcState;
    private final String arcTrustedSealer;
    private final String arcOldestPassResults;

    private DmarcInput(Builder b) {
        fromFields = Collections.unmodifiableList(new ArrayList<>(b.fromFields));
        spfResult = b.spfResult == null ? "" : b.spfResult.toLowerCase(Locale.ROOT);
        spfDomain = b.spfDomain;
        dkim = Collections.unmodifiableList(new ArrayList<>(b.dkim));
        arcState = b.arcState == null ? "" : b.arcState.toLowerCase(Locale.ROOT);
        arcTrustedSealer = b.arcTrustedSealer;
        arcOldestPassResults = b.arcOldestPassResults;
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<String> fromFields() {
        return fromFields;
    }

    public String spfResult() {
        return spfResult;
    }

    public String spfDomain() {
        return spfDomain;
    }

    public List<Dkim> dkim() {
        return dkim;
    }

    public String arcState() {
        return arcState;
    }

    public String arcTrustedSealer() {
        return arcTrustedSealer;
    }

    public String arcOldestPassResults() {
        return arcOldestPassResults;
    }

    public static final class Builder {
        private final List<String> fromFields = new ArrayList<>(1);
        private String spfResult;
        private String spfDomain;
        private final List<Dkim> dkim = new ArrayList<>(2);
        private String arcState;
        private String arcTrustedSealer;
        private String arcOldestPassResults;

        /** A From field's value; call once per From field of the message. */
        public Builder from(String fromFieldValue) {
            fromFields.add(fromFieldValue);
            return this;
        }

        /** The SPF result word ({@code pass}, {@code fail}, {@code softfail}, {@code temperror}, ...) and its domain. */
        public Builder spf(String result, String domain) {
            this.spfResult = result;
            this.spfDomain = domain;
            return this;
        }

        public Builder dkim(String domain, String result) {
            dkim.add(new Dkim(domain, result));
            return this;
        }

        /**
         * The ARC verdict: the chain's state ({@code jexim.arc_state}), the newest sealer when it is trusted
         * ({@code jexim.arc_trusted_sealer}, else {@code null}), and the value of the oldest passing hop's
         * ARC-Authentication-Results after its {@code i=N;} (or {@code null}).
         */
        public Builder arc(String state, String trustedSealer, String oldestPassResults) {
            this.arcState = state;
            this.arcTrustedSealer = trustedSealer;
            this.arcOldestPassResults = oldestPassResults;
            return this;
        }

        public DmarcInput build() {
            return new DmarcInput(this);
        }
    }
}
