package org.jamesexim.arc;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Adds an ARC set (ARC-Authentication-Results, ARC-Message-Signature, ARC-Seal) for one ADMD, as Exim's
 * {@code arc_sign} transport option does, following RFC 8617 section 5.1:
 * <ul>
 * <li>the AAR consolidates every Authentication-Results field of this ADMD's authserv-id, in message order;</li>
 * <li>cv= is {@code none} for the first set; otherwise the caller's chain status (our own verification), else
 *     a fresh verification when a verifier is configured; the {@code arc=} result written in the message's
 *     Authentication-Results is used only when {@link Builder#cvFromAuthResults(boolean)} says so (the test suite,
 *     the command line: input the operator vouches for). When no verification ran, or it ended in
 *     {@link ArcState#TEMPERROR}, the message is not sealed: a sealer must not vouch for a chain it did not check
 *     (RFC 8617 section 5.1.1);</li>
 * <li>a chain whose newest seal already says {@code cv=fail}, or that has 50 sets, is not sealed again;</li>
 * <li>the AMS is relaxed/relaxed over the configured header names present in the message; tags are written in
 *     alphabetical order with one space after each semicolon (the test suite's standard form), folded only at
 *     tag boundaries, which relaxed canonicalisation ignores.</li>
 * </ul>
 * Immutable and thread-safe.
 */
public final class ArcSealer {
    /** The header names signed by default (Exim's DKIM default list), each signed as often as it occurs. */
    public static final List<String> DEFAULT_SIGNED_HEADERS = Collections.unmodifiableList(Arrays.asList(
            "from", "sender", "reply-to", "subject", "date", "message-id", "to", "cc", "mime-version",
            "content-type", "content-transfer-encoding", "content-id", "content-description", "resent-date",
            "resent-from", "resent-sender", "resent-to", "resent-cc", "resent-message-id", "in-reply-to",
            "references", "list-id", "list-help", "list-unsubscribe", "list-subscribe", "list-post", "list-owner",
            "list-archive", "dkim-signature"));
    /** Exim's ARC_SIGN_DEFAULT_EXPIRE_DELTA: 30 days. */
    public static final long DEFAULT_EXPIRE_SECONDS = 30L * 24 * 3600;

    private final String authservId;
    private final String domain;
    private final String selector;
    private final SigningKey key;
    private final List<String> signedHeaders;
    private final boolean explicitHeaderList;
    private final boolean timestamps;
    private final String expire;
    private final ArcVerifier verifier;
    private final boolean cvFromAuthResults;
    private final ArcLimits limits;

    private ArcSealer(Builder b) {
        this.authservId = b.authservId;
        this.domain = b.domain;
        this.selector = b.selector;
        this.key = b.key;
        this.signedHeaders = b.signedHeaders;
        this.explicitHeaderList = b.explicitHeaderList;
        this.timestamps = b.timestamps;
        this.expire = b.expire;
        this.verifier = b.verifier;
        this.cvFromAuthResults = b.cvFromAuthResults;
        this.limits = b.verifier != null ? b.verifier.limits() : ArcLimits.DEFAULT;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Configuration of a sealer; {@link #build()} checks it and names the first bad item. */
    public static final class Builder {
        private String authservId;
        private String domain;
        private String selector;
        private SigningKey key;
        private List<String> signedHeaders = DEFAULT_SIGNED_HEADERS;
        private boolean explicitHeaderList;
        private boolean timestamps = true;
        private String expire;
        private ArcVerifier verifier;
        private boolean cvFromAuthResults;

        /** This ADMD's authserv-id (Exim's admd-identifier), as in our Authentication-Results. */
        public Builder authservId(String v) {
            this.authservId = v;
            return this;
        }

        /** The seal's d=. */
        public Builder domain(String v) {
            this.domain = v;
            return this;
        }

        /** The seal's s=. */
        public Builder selector(String v) {
            this.selector = v;
            return this;
        }

        public Builder key(SigningKey v) {
            this.key = v;
            return this;
        }

        /**
         * Sign exactly these header names, in this order, whether present or not (the test suite's
         * {@code sig-headers}); without this call the {@link #DEFAULT_SIGNED_HEADERS} present in the message are signed.
         */
        public Builder signedHeaders(List<String> names) {
            List<String> l = new ArrayList<>(names.size());
            for (String n : names) {
                l.add(n.trim().toLowerCase(Locale.ROOT));
            }
            this.signedHeaders = Collections.unmodifiableList(l);
            this.explicitHeaderList = true;
            return this;
        }

        /** Whether to add t= to the AMS and AS (default true: Gmail requires t= on the seal). */
        public Builder timestamps(boolean v) {
            this.timestamps = v;
            return this;
        }

        /**
         * Exim's {@code expire} option for the AMS x= tag: {@code null}/empty for none, {@code "expire"} (now + 30 days),
         * {@code "+N"} (now + N seconds, 0 = 30 days) or {@code "N"} (absolute epoch seconds).
         */
        public Builder expire(String v) {
            this.expire = v == null || v.trim().isEmpty() ? null : v.trim();
            return this;
        }

        /** Verifier used to learn cv= when neither the caller nor our Authentication-Results give it. */
        public Builder verifier(ArcVerifier v) {
            this.verifier = v;
            return this;
        }

        /**
         * Whether cv= may be taken from the {@code arc=} result of an Authentication-Results of our authserv-id found
         * in the message, when the caller gives no status (default false). Only for messages whose A-R the operator
         * vouches for (the test suite's signing vectors, the command line): a sender can write any A-R.
         */
        public Builder cvFromAuthResults(boolean v) {
            this.cvFromAuthResults = v;
            return this;
        }

        public ArcSealer build() {
            if (authservId == null || authservId.trim().isEmpty() || authservId.contains(";")) {
                throw new IllegalArgumentException("authserv-id must be a non-empty token, not '" + authservId + "'");
            }
            if (!ArcVerifier.isDomain(domain)) {
                throw new IllegalArgumentException("domain '" + domain + "' is not a domain name");
            }
            if (!ArcVerifier.isDomain(selector)) {
                throw new IllegalArgumentException("selector '" + selector + "' is not a valid selector");
            }
            Objects.requireNonNull(key, "key");
            if (expire != null) {
                expiry(expire, 0);
            }
            authservId = authservId.trim();
            return new ArcSealer(this);
        }
    }

    /** x= for {@code spec} at {@code now}; throws IllegalArgumentException for a bad spec. */
    static long expiry(String spec, long now) {
        String s = spec.startsWith("expire=") ? spec.substring(7) : spec;
        if (s.equals("expire") || s.isEmpty()) {
            return now + DEFAULT_EXPIRE_SECONDS;
        }
        boolean relative = s.startsWith("+");
        String digits = relative ? s.substring(1) : s;
        if (!ArcVerifier.isNumber(digits)) {
            throw new IllegalArgumentException("expire '" + spec + "' must be 'expire', '+SECONDS' or 'EPOCH'");
        }
        long v = Long.parseLong(digits);
        if (relative) {
            return now + (v == 0 ? DEFAULT_EXPIRE_SECONDS : v);
        }
        return v;
    }

    public String authservId() {
        return authservId;
    }

    public String domain() {
        return domain;
    }

    /**
     * Seals a message, consolidating the Authentication-Results of our authserv-id found in it into the AAR.
     *
     * @param chainStatus the chain validation status if the caller knows it (our verification of this message),
     *                    or {@code null}: then verified now if a verifier is configured (or read from our
     *                    Authentication-Results with {@link Builder#cvFromAuthResults(boolean)}), else not sealed
     * @param nowEpochSeconds the time written in t= and used for x=
     */
    public ArcSealResult seal(MailMessage message, ArcState chainStatus, long nowEpochSeconds) {
        return seal(message, chainStatus, null, nowEpochSeconds);
    }

    /**
     * Seals a message with an AAR of exactly {@code ourResults} (e.g. the results our own Authentication-Results
     * mailet wrote), instead of what the message's Authentication-Results fields claim; {@code null}: consolidate
     * those, as {@link #seal(MailMessage, ArcState, long)}.
     */
    public ArcSealResult seal(MailMessage message, ArcState chainStatus, List<String> ourResults, long nowEpochSeconds) {
        List<HeaderField> headers = message.headers();
        ArcChain chain = ArcChain.of(headers, limits);
        int existing = chain.structureError == null ? chain.sets.size() : chain.highestInstance;
        if (existing >= ArcChain.MAX_INSTANCES) {
            return ArcSealResult.notSealed("chain already has " + existing + " ARC sets");
        }
        if (chain.structureError == null && existing > 0
                && "fail".equals(chain.sets.get(existing - 1).asTags.get("cv"))) {
            return ArcSealResult.notSealed("chain already failed (i=" + existing + " cv=fail)");
        }
        int instance = existing + 1;

        // our Authentication-Results, consolidated
        List<String> results = new ArrayList<>();
        if (ourResults != null) {
            results.addAll(ourResults);
        } else {
            for (HeaderField h : headers) {
                if (h.hasName("authentication-results")) {
                    AuthResults ar = AuthResults.parse(h.value(), limits.maxAuthResults());
                    if (ar != null && ar.isFrom(authservId)) {
                        results.addAll(ar.results());
                    }
                }
            }
        }
        String cv;
        if (existing == 0) {
            cv = "none";
        } else if (chain.structureError != null) {
            cv = "fail";
        } else {
            ArcState status = chainStatus == ArcState.TEMPERROR ? null : chainStatus;
            if (status == null && cvFromAuthResults) {
                status = ArcState.fromWord(AuthResults.resultOf(results, "arc"));
            }
            String unknown = chainStatus == ArcState.TEMPERROR ? "temperror" : "no verification ran";
            if ((status == null || status == ArcState.TEMPERROR) && verifier != null) {
                ArcVerification v = verifier.verify(message, nowEpochSeconds);
                status = v.state();
                unknown = v.reason();
            }
            if (status == null || status == ArcState.TEMPERROR) {
                return ArcSealResult.notSealed("chain status unknown (" + unknown + ")");
            }
            cv = status == ArcState.PASS ? "pass" : "fail";
        }

        // ARC-Authentication-Results, at most maxAuthResults results and well inside maxArcFieldBytes
        StringBuilder aar = new StringBuilder(256);
        aar.append("i=").append(instance).append("; ").append(authservId);
        int added = 0;
        for (String r : results) {
            if (added == limits.maxAuthResults() || aar.length() + r.length() > limits.maxArcFieldBytes() / 2) {
                break;
            }
            aar.append(";\r\n\t").append(r);
            added++;
        }
        if (added == 0) {
            aar.append("; none");
        }
        HeaderField aarField = HeaderField.of("ARC-Authentication-Results", aar.toString());

        try {
            // ARC-Message-Signature
            List<String> names = explicitHeaderList ? signedHeaders : presentHeaders(headers);
            MessageDigest md = SignatureAlgorithm.sha256();
            Canonicalization.RELAXED.body(message.data(), message.bodyStart(), message.data().length, -1, md);
            String bh = Base64.getEncoder().encodeToString(md.digest());
            List<String> amsTags = new ArrayList<>(10);
            amsTags.add("a=" + key.algorithm().tag());
            amsTags.add("b=");
            amsTags.add("bh=" + bh);
            amsTags.add("c=relaxed/relaxed");
            amsTags.add("d=" + domain);
            amsTags.add("h=" + String.join(":", names));
            amsTags.add("i=" + instance);
            amsTags.add("s=" + selector);
            if (timestamps) {
                amsTags.add("t=" + nowEpochSeconds);
            }
            if (expire != null) {
                amsTags.add("x=" + expiry(expire, nowEpochSeconds));
            }
            StringBuilder data = new StringBuilder(2048);
            ArcVerifier.appendSignedHeaders(headers, names.toArray(new String[0]), Canonicalization.RELAXED, data);
            Canonicalization.relaxedHeader("ARC-Message-Signature: " + String.join("; ", amsTags), data);
            amsTags.set(1, "b=" + sign(data));
            HeaderField amsField = HeaderField.of("ARC-Message-Signature", fold("ARC-Message-Signature: ", amsTags));

            // ARC-Seal over every earlier set plus the new AAR and AMS; for cv=fail only over the new set, as the
            // suite, Exim and mailauth do (a failed chain's earlier sets are not vouched for)
            List<String> asTags = new ArrayList<>(8);
            asTags.add("a=" + key.algorithm().tag());
            asTags.add("b=");
            asTags.add("cv=" + cv);
            asTags.add("d=" + domain);
            asTags.add("i=" + instance);
            asTags.add("s=" + selector);
            if (timestamps) {
                asTags.add("t=" + nowEpochSeconds);
            }
            data.setLength(0);
            if (chain.structureError == null && !"fail".equals(cv)) {
                ArcChain.appendSealInputBefore(chain.sets, existing, data);
                if (existing > 0) {
                    Canonicalization.relaxedHeader(chain.sets.get(existing - 1).as.raw(), data);
                    data.append("\r\n");
                }
            }
            Canonicalization.relaxedHeader(aarField.raw(), data);
            data.append("\r\n");
            Canonicalization.relaxedHeader(amsField.raw(), data);
            data.append("\r\n");
            Canonicalization.relaxedHeader("ARC-Seal: " + String.join("; ", asTags), data);
            asTags.set(1, "b=" + sign(data));
            HeaderField asField = HeaderField.of("ARC-Seal", fold("ARC-Seal: ", asTags));
            return ArcSealResult.sealed(instance, cv, aarField, amsField, asField);
        } catch (GeneralSecurityException e) {
            return ArcSealResult.notSealed("signing failed: " + e.getClass().getSimpleName());
        }
    }


    private List<String> presentHeaders(List<HeaderField> headers) {
        Set<String> wanted = new LinkedHashSet<>(signedHeaders);
        List<String> names = new ArrayList<>();
        // bottom-up order of occurrence, so that repeated names pick every instance
        for (String w : wanted) {
            for (HeaderField h : headers) {
                if (h.hasName(w)) {
                    names.add(w);
                }
            }
        }
        return names;
    }

    private String sign(StringBuilder data) throws GeneralSecurityException {
        byte[] sig = key.algorithm().sign(key.key(), data.toString().getBytes(StandardCharsets.ISO_8859_1));
        return Base64.getEncoder().encodeToString(sig);
    }

    /** Joins tags with "; ", breaking the line (CRLF TAB) before a tag that would pass 78 columns. */
    private static String fold(String prefix, List<String> tags) {
        StringBuilder sb = new StringBuilder(prefix.length() + 600);
        int col = prefix.length();
        for (int i = 0; i < tags.size(); i++) {
            String t = tags.get(i);
            if (i > 0) {
                sb.append(';');
                col++;
                if (col + 1 + t.length() > 78) {
                    sb.append("\r\n\t");
                    col = 8;
                } else {
                    sb.append(' ');
                    col++;
                }
            }
            sb.append(t);
            col += t.length();
        }
        return sb.toString();
    }
}
