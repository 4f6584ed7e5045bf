package org.jamesexim.queuefile;

import java.time.Clock;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * Exim message ids, base62 {@code 0-9A-Za-z}: Exim &le; 4.96 {@code TTTTTT-PPPPPP-FF} (16 chars: seconds, pid,
 * microseconds/5000) and Exim &ge; 4.97 {@code TTTTTT-PPPPPPPPPPP-FFFF} (23 chars: seconds, pid, microseconds).
 * Exim 4.96 ignores 23-char ids, so {@link Length#SHORT} is the default.
 *
 * <p>A generator never hands out the same id twice (it steps the fraction when the clock has not moved);
 * it is thread-safe. Different generators in one directory can still collide, which the writer detects
 * (it publishes with a no-replace link) and answers with a fresh id.</p>
 */
public final class EximMessageIds {
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final Pattern SHORT_ID = Pattern.compile("[0-9A-Za-z]{6}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2}");
    private static final Pattern LONG_ID = Pattern.compile("[0-9A-Za-z]{6}-[0-9A-Za-z]{11}-[0-9A-Za-z]{4}");

    /** Which id layout to generate. */
    public enum Length {
        /** 16 chars, read by every Exim 4 (Debian 12 ships 4.96). */
        SHORT,
        /** 23 chars, Exim 4.97 and later only. */
        LONG;

        public static Length parse(String v) {
            if ("16".equals(v) || "short".equalsIgnoreCase(v)) {
                return SHORT;
            }
            if ("23".equals(v) || "long".equalsIgnoreCase(v)) {
                return LONG;
            }
            throw new IllegalArgumentException("unknown Exim id length '" + v + "': expected 16 or 23");
        }
    }

    private final Length length;
    private final Clock clock;
    private final long pid;
    private long lastSecond = -1;
    private long lastFraction = -1;

    public EximMessageIds(Length length, Clock clock, long pid) {
        this.length = length;
        this.clock = clock;
        this.pid = pid;
    }

    public EximMessageIds(Length length) {
        this(length, Clock.systemUTC(), ProcessHandle.current().pid());
    }

    public static boolean isValid(String id) {
        return id != null && (SHORT_ID.matcher(id).matches() || LONG_ID.matcher(id).matches());
    }

    /** The next id; unique for this generator. */
    public synchronized String next() {
        Instant now = clock.instant();
        long second = now.getEpochSecond();
        long micros = now.getNano() / 1000L;
        long fraction = length == Length.SHORT ? micros / 5000L : micros;
        long max = length == Length.SHORT ? 200 : 1_000_000;
        if (second < lastSecond || (second == lastSecond && fraction <= lastFraction)) {
            second = lastSecond;
            fraction = lastFraction + 1;
            if (fraction >= max) {
                second++;
                fraction = 0;
            }
        }
        lastSecond = second;
        lastFraction = fraction;
        if (length == Length.SHORT) {
            return base62(second, 6) + "-" + base62(pid, 6) + "-" + base62(fraction, 2);
        }
        return base62(second, 6) + "-" + base62(pid, 11) + "-" + base62(fraction, 4);
    }

    static String base62(long value, int width) {
        char[] out = new char[width];
        long v = value;
        for (int i = width - 1; i >= 0; i--) {
            out[i] = BASE62.charAt((int) (v % 62));
            v /= 62;
        }
        return new String(out);
    }

    /** Decodes a base62 field (for tests and diagnostics). */
    static long decode62(String s) {
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            int d = BASE62.indexOf(s.charAt(i));
            if (d < 0) {
                throw new IllegalArgumentException("not base62: " + s);
            }
            v = v * 62 + d;
        }
        return v;
    }
}
