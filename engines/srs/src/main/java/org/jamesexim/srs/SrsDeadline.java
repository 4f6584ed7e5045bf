package org.jamesexim.srs;

import java.time.Duration;

/**
 * The time one message (one SMTP transaction, one mail in a mailet) may spend waiting for the SRS database, over
 * all its lookups and inserts together. Each database call gets the smaller of its own timeout and what is left here;
 * once it has passed, database-mode forward and reverse answer {@code DEFER} at once without asking the database.
 * Immutable and thread-safe; based on {@link System#nanoTime()}.
 */
public final class SrsDeadline {
    private static final SrsDeadline NONE = new SrsDeadline(Long.MAX_VALUE, true);

    private final long end;
    private final boolean unlimited;

    private SrsDeadline(long end, boolean unlimited) {
        this.end = end;
        this.unlimited = unlimited;
    }

    /** A deadline {@code budget} from now. */
    public static SrsDeadline in(Duration budget) {
        long nanos = budget.isNegative() ? 0 : budget.toNanos();
        return new SrsDeadline(System.nanoTime() + nanos, false);
    }

    /** No overall deadline: each database call is bounded by its own timeout only. */
    public static SrsDeadline none() {
        return NONE;
    }

    /** What is left, never negative; {@link Duration#ofDays} 365 for {@link #none()}. */
    public Duration remaining() {
        if (unlimited) {
            return Duration.ofDays(365);
        }
        long left = end - System.nanoTime();
        return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
    }

    /** True once the deadline has passed. */
    public boolean passed() {
        return !unlimited && end - System.nanoTime() <= 0;
    }

    @Override
    public String toString() {
        return unlimited ? "SrsDeadline{none}" : "SrsDeadline{" + remaining().toMillis() + " ms left}";
    }
}
