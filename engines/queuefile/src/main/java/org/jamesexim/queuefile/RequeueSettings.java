package org.jamesexim.queuefile;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Requeuer} works, immutable; build with {@link #builder()}. The defaults are the safe ones: the
 * envelope a file claims is not believed ({@link #trustEnvelope()} false), messages up to 50 MiB, 1000 messages per
 * scan.
 */
public final class RequeueSettings {
    private final boolean keepDone;
    private final Duration settle;
    private final Clock clock;
    private final boolean trustEnvelope;
    private final long maxMessageSize;
    private final int maxPerScan;
    private final Duration doneMaxAge;

    private RequeueSettings(Builder b) {
        if (b.settle.isNegative()) {
            throw new IllegalArgumentException("settle must not be negative: " + b.settle);
        }
        if (b.maxMessageSize < 1 || b.maxMessageSize > SpoolLimits.MAX_MAX_MESSAGE_SIZE) {
            throw new IllegalArgumentException("maxMessageSize must be between 1 and " + SpoolLimits.MAX_MAX_MESSAGE_SIZE + " bytes, got " + b.maxMessageSize);
        }
        if (b.maxPerScan < 1 || b.maxPerScan > 1_000_000) {
            throw new IllegalArgumentException("maxPerScan must be between 1 and 1000000, got " + b.maxPerScan);
        }
        this.keepDone = b.keepDone;
        this.settle = b.settle;
        this.clock = b.clock;
        this.trustEnvelope = b.trustEnvelope;
        this.maxMessageSize = b.maxMessageSize;
        this.maxPerScan = b.maxPerScan;
        if (b.doneMaxAge != null && (b.doneMaxAge.isNegative() || b.doneMaxAge.isZero())) {
            throw new IllegalArgumentException("doneMaxAge must be positive: " + b.doneMaxAge);
        }
        this.doneMaxAge = b.doneMaxAge;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Keep requeued files in {@code done/} (true) or delete them. */
    public boolean keepDone() { return keepDone; }
    /** How old both files of a message must be before it is taken. */
    public Duration settle() { return settle; }
    public Clock clock() { return clock; }
    /**
     * Whether the envelope a file claims is believed: the remote address and host, the AUTH user, the error
     * message and the mail attributes (James's relay marks among them, and {@code jexim.acl_*}). False: only what
     * any SMTP client could send is taken (sender, recipients, DSN, HELO, the per-recipient headers, the bytes).
     */
    public boolean trustEnvelope() { return trustEnvelope; }
    /** The largest data file ({@code .eml} / {@code -D}) read, in bytes. */
    public long maxMessageSize() { return maxMessageSize; }
    /** The most messages one scan takes. */
    public int maxPerScan() { return maxPerScan; }
    /** Files in {@code done/} older than this (by modification time) are deleted ({@link Requeuer#pruneDone}); null: kept. */
    public Duration doneMaxAge() { return doneMaxAge; }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private boolean keepDone = true;
        private Duration settle = Duration.ZERO;
        private Clock clock = Clock.systemUTC();
        private boolean trustEnvelope;
        private long maxMessageSize = SpoolLimits.DEFAULT_MAX_MESSAGE_SIZE;
        private int maxPerScan = SpoolLimits.DEFAULT_MAX_PER_SCAN;
        private Duration doneMaxAge;

        public Builder keepDone(boolean v) { keepDone = v; return this; }
        public Builder settle(Duration v) { settle = Objects.requireNonNull(v, "settle"); return this; }
        public Builder clock(Clock v) { clock = Objects.requireNonNull(v, "clock"); return this; }
        public Builder trustEnvelope(boolean v) { trustEnvelope = v; return this; }
        public Builder maxMessageSize(long v) { maxMessageSize = v; return this; }
        public Builder maxPerScan(int v) { maxPerScan = v; return this; }
        public Builder doneMaxAge(Duration v) { doneMaxAge = v; return this; }

        public RequeueSettings build() {
            return new RequeueSettings(this);
        }
    }
}
