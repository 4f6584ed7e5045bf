package org.jamesexim.common;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The one way the pack reads a duration from configuration or the command line. */
public final class Durations {
    private static final Pattern DURATION = Pattern.compile("([0-9]+)\\s*(ms|s|m|h)?");

    private Durations() {
    }

    /**
     * {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, or a bare number of seconds; surrounding blanks and case
     * are ignored. Zero is allowed (callers that need more say so).
     *
     * @throws IllegalArgumentException for anything else, naming the value
     */
    public static Duration parse(String text) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a duration like 500ms, 30s, 5m or 1h, got '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        switch (unit) {
            case "ms":
                return Duration.ofMillis(n);
            case "m":
                return Duration.ofMinutes(n);
            case "h":
                return Duration.ofHours(n);
            default:
                return Duration.ofSeconds(n);
        }
    }
}
