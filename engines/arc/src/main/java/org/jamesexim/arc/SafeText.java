package org.jamesexim.arc;

/**
 * What of a sender's ARC fields we pass on: a domain only when it is one, a reason at most {@link #MAX_REASON} long.
 * The text itself goes through {@link org.jamesexim.common.HeaderText} (our header fields, attributes) or
 * {@link org.jamesexim.common.LogText} (log lines, error messages).
 */
public final class SafeText {
    /** The longest reason ({@code jexim.arc_state_reason}, the A-R comment, the log field) we pass on. */
    public static final int MAX_REASON = 200;

    private SafeText() {
    }

    /** The value of a {@code d=} or {@code s=} tag if it is a valid domain name (ASCII), else empty. */
    public static String domain(String s) {
        return ArcVerifier.isDomain(s) && isAscii(s) ? s : "";
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
