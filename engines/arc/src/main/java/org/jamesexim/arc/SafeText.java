package org.jamesexim.arc;

/**
 * Makes text that came from outside (a sender's header fields, a DNS answer) safe to copy into our own header fields,
 * mail attributes and log lines: printable US-ASCII only (every other character, CR and LF included, becomes
 * {@code ?}; a run of whitespace one space) and at most a given length (longer text ends in {@code ...}).
 */
public final class SafeText {
    /** The longest reason ({@code jexim.arc_state_reason}, the A-R comment, the log field) we pass on. */
    public static final int MAX_REASON = 200;

    private SafeText() {
    }

    /** {@code s} as printable ASCII of at most {@code max} characters; empty for {@code null}. */
    public static String printable(String s, int max) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(Math.min(s.length(), max) + 3);
        boolean space = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                space = sb.length() > 0;
                continue;
            }
            if (sb.length() + (space ? 2 : 1) > max) {
                sb.setLength(Math.max(0, Math.min(sb.length(), max - 3)));
                return sb.append("...").toString();
            }
            if (space) {
                sb.append(' ');
                space = false;
            }
            sb.append(c > 0x20 && c < 0x7f ? c : '?');
        }
        return sb.toString();
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
