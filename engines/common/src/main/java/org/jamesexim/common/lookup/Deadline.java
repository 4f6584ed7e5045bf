package org.jamesexim.common.lookup;

import java.time.Duration;

/**
 * The time left for all lookups of one message or SMTP command ({@code <word>LookupDeadline}): each lookup waits at
 * most the smaller of its own timeout and what is left here; once passed, lookups are not tried and fail as temporary.
 * Immutable.
 */
public final class Deadline {
    private final long end;

    private Deadline(long end) {
        this.end = end;
    }

    /** A deadline {@code budget} from now. */
    public static Deadline in(Duration budget) {
        return new Deadline(System.nanoTime() + budget.toNanos());
    }

    /** What is left (zero once passed). */
    public Duration remaining() {
        long left = end - System.nanoTime();
        return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
    }

    /** True once the deadline has passed. */
    public boolean passed() {
        return end - System.nanoTime() <= 0;
    }
}
