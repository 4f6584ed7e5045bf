package org.jamesexim.arc;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds on the work one message may cause (docs/security-arc.md lists them). Anyone can send bytes over SMTP
 * and publish any DNS answer, so every input the engine reads has a size or count limit here; input beyond a limit
 * is refused with the protocol's result (ARC {@code fail} with a reason naming the limit, or {@code temperror} for
 * the DNS deadline), never parsed further. Immutable.
 */
public final class ArcLimits {
    /** RFC 8617 section 4.2.1: at most 50 ARC sets (not configurable beyond that). */
    public static final int RFC_MAX_ARC_SETS = 50;

    /** The defaults: generous for real mail (a 50-hop chain of real sealers fits), small enough to bound the work. */
    public static final ArcLimits DEFAULT = builder().build();

    private final int maxHeaderBytes;
    private final int maxHeaderFields;
    private final int maxArcFieldBytes;
    private final int maxArcSets;
    private final int maxTags;
    private final int maxSignedHeaders;
    private final int maxKeyRecordBytes;
    private final int maxKeyRecords;
    private final int maxRsaKeyBits;
    private final int maxAuthResults;
    private final Duration dnsDeadline;

    private ArcLimits(Builder b) {
        this.maxHeaderBytes = b.maxHeaderBytes;
        this.maxHeaderFields = b.maxHeaderFields;
        this.maxArcFieldBytes = b.maxArcFieldBytes;
        this.maxArcSets = b.maxArcSets;
        this.maxTags = b.maxTags;
        this.maxSignedHeaders = b.maxSignedHeaders;
        this.maxKeyRecordBytes = b.maxKeyRecordBytes;
        this.maxKeyRecords = b.maxKeyRecords;
        this.maxRsaKeyBits = b.maxRsaKeyBits;
        this.maxAuthResults = b.maxAuthResults;
        this.dnsDeadline = b.dnsDeadline;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these limits. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxHeaderBytes = maxHeaderBytes;
        b.maxHeaderFields = maxHeaderFields;
        b.maxArcFieldBytes = maxArcFieldBytes;
        b.maxArcSets = maxArcSets;
        b.maxTags = maxTags;
        b.maxSignedHeaders = maxSignedHeaders;
        b.maxKeyRecordBytes = maxKeyRecordBytes;
        b.maxKeyRecords = maxKeyRecords;
        b.maxRsaKeyBits = maxRsaKeyBits;
        b.maxAuthResults = maxAuthResults;
        b.dnsDeadline = dnsDeadline;
        return b;
    }

    /** Bytes of the whole header section of a message with ARC fields (default 256 KiB). */
    public int maxHeaderBytes() {
        return maxHeaderBytes;
    }

    /** Header fields of a message with ARC fields (default 1000). */
    public int maxHeaderFields() {
        return maxHeaderFields;
    }

    /** Bytes of one ARC-Seal, ARC-Message-Signature or ARC-Authentication-Results field (default 16 KiB). */
    public int maxArcFieldBytes() {
        return maxArcFieldBytes;
    }

    /** ARC sets of a chain (default and most: 50, RFC 8617). */
    public int maxArcSets() {
        return maxArcSets;
    }

    /** Tags of one tag list: ARC-Seal, ARC-Message-Signature or DKIM key record (default 64). */
    public int maxTags() {
        return maxTags;
    }

    /** Header names in an ARC-Message-Signature's h= (default 128). */
    public int maxSignedHeaders() {
        return maxSignedHeaders;
    }

    /** Bytes of one DKIM key record, its strings joined (default 8 KiB). */
    public int maxKeyRecordBytes() {
        return maxKeyRecordBytes;
    }

    /** TXT records at one key name that are tried (default 4; RFC 6376 expects one). */
    public int maxKeyRecords() {
        return maxKeyRecords;
    }

    /** RSA modulus bits of a key from DNS (default 8192; RFC 8301 asks verifiers to handle up to 4096). */
    public int maxRsaKeyBits() {
        return maxRsaKeyBits;
    }

    /** Results read from one Authentication-Results value, and consolidated into one AAR (default 64). */
    public int maxAuthResults() {
        return maxAuthResults;
    }

    /** All DNS work of one verification (default 15 s); past it the result is {@code temperror}. */
    public Duration dnsDeadline() {
        return dnsDeadline;
    }

    @Override
    public String toString() {
        return "maxHeaderBytes=" + maxHeaderBytes + " maxHeaderFields=" + maxHeaderFields + " maxArcFieldBytes="
                + maxArcFieldBytes + " maxArcSets=" + maxArcSets + " maxTags=" + maxTags + " maxSignedHeaders="
                + maxSignedHeaders + " maxKeyRecordBytes=" + maxKeyRecordBytes + " maxKeyRecords=" + maxKeyRecords
                + " maxRsaKeyBits=" + maxRsaKeyBits + " maxAuthResults=" + maxAuthResults + " dnsDeadline="
                + dnsDeadline;
    }

    /** Sets limits; {@link #build()} checks them. */
    public static final class Builder {
        private int maxHeaderBytes = 256 * 1024;
        private int maxHeaderFields = 1000;
        private int maxArcFieldBytes = 16 * 1024;
        private int maxArcSets = RFC_MAX_ARC_SETS;
        private int maxTags = 64;
        private int maxSignedHeaders = 128;
        private int maxKeyRecordBytes = 8 * 1024;
        private int maxKeyRecords = 4;
        private int maxRsaKeyBits = 8192;
        private int maxAuthResults = 64;
        private Duration dnsDeadline = Duration.ofSeconds(15);

        public Builder maxHeaderBytes(int v) {
            this.maxHeaderBytes = v;
            return this;
        }

        public Builder maxHeaderFields(int v) {
            this.maxHeaderFields = v;
            return this;
        }

        public Builder maxArcFieldBytes(int v) {
            this.maxArcFieldBytes = v;
            return this;
        }

        public Builder maxArcSets(int v) {
            this.maxArcSets = v;
            return this;
        }

        public Builder maxTags(int v) {
            this.maxTags = v;
            return this;
        }

        public Builder maxSignedHeaders(int v) {
            this.maxSignedHeaders = v;
            return this;
        }

        public Builder maxKeyRecordBytes(int v) {
            this.maxKeyRecordBytes = v;
            return this;
        }

        public Builder maxKeyRecords(int v) {
            this.maxKeyRecords = v;
            return this;
        }

        public Builder maxRsaKeyBits(int v) {
            this.maxRsaKeyBits = v;
            return this;
        }

        public Builder maxAuthResults(int v) {
            this.maxAuthResults = v;
            return this;
        }

        public Builder dnsDeadline(Duration v) {
            this.dnsDeadline = Objects.requireNonNull(v, "dnsDeadline");
            return this;
        }

        /** @throws IllegalArgumentException naming the first limit that is out of range */
        public ArcLimits build() {
            positive("maxHeaderBytes", maxHeaderBytes);
            positive("maxHeaderFields", maxHeaderFields);
            positive("maxArcFieldBytes", maxArcFieldBytes);
            positive("maxTags", maxTags);
            positive("maxSignedHeaders", maxSignedHeaders);
            positive("maxKeyRecordBytes", maxKeyRecordBytes);
            positive("maxKeyRecords", maxKeyRecords);
            positive("maxAuthResults", maxAuthResults);
            if (maxArcSets < 1 || maxArcSets > RFC_MAX_ARC_SETS) {
                throw new IllegalArgumentException("maxArcSets must be 1.." + RFC_MAX_ARC_SETS + ", not " + maxArcSets);
            }
            if (maxRsaKeyBits < PublicKeyRecord.MIN_RSA_BITS) {
                throw new IllegalArgumentException("maxRsaKeyBits must be at least " + PublicKeyRecord.MIN_RSA_BITS);
            }
            if (dnsDeadline.isNegative() || dnsDeadline.isZero()) {
                throw new IllegalArgumentException("dnsDeadline must be positive, not " + dnsDeadline);
            }
            return new ArcLimits(this);
        }

        private static void positive(String name, int v) {
            if (v < 1) {
                throw new IllegalArgumentException(name + " must be positive, not " + v);
            }
        }
    }
}
