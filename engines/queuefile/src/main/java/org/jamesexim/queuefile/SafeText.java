package org.jamesexim.queuefile;

/**
 * Text from outside (file contents, addresses, header lines, file names) made safe for a log line or an error
 * note: CR, LF, TAB, every other C0 control and DEL, the C1 controls, the Unicode line and paragraph separators and
 * the bidirectional overrides are written as escapes ({@code \r}, {@code \n}, {@code \t}, {@code \x1b},
 * {@code \u0085}, {@code \u2028}); the length is capped. The result holds printable characters only, so escaping it
 * again changes nothing (callers may escape a message that already contains escaped parts). Stateless.
 */
public final class SafeText {
    /** Characters kept of a quoted snippet of outside text inside an error message. */
    public static final int SNIPPET_CHARS = 120;

    private SafeText() {
    }

    /**
     * {@code s} with every control character escaped, at most {@code maxChars} characters of it (the rest is
     * replaced by {@code …(N more)}); "null" for null.
     */
    public static String escape(String s, int maxChars) {
        if (s == null) {
            return "null";
        }
        int n = Math.min(s.length(), maxChars);
        if (n > 0 && n < s.length() && Character.isHighSurrogate(s.charAt(n - 1))) {
            n--; // never cut a surrogate pair in two
        }
        StringBuilder sb = null;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            String esc = escapeOf(c);
            if (esc != null && sb == null) {
                sb = new StringBuilder(n + 16).append(s, 0, i);
            }
            if (sb != null) {
                if (esc != null) {
                    sb.append(esc);
                } else {
                    sb.append(c);
                }
            }
        }
        String out = sb == null ? s.substring(0, n) : sb.toString();
        return n < s.length() ? out + "\u2026(" + (s.length() - n) + " more)" : out;
    }

    /** {@code 's'}, escaped and cut to {@link #SNIPPET_CHARS}: for quoting outside text in an error message. */
    public static String quote(String s) {
        return s == null ? "null" : "'" + escape(s, SNIPPET_CHARS) + "'";
    }

    private static String escapeOf(char c) {
        switch (c) {
            case '\r': return "\\r";
            case '\n': return "\\n";
            case '\t': return "\\t";
            default: break;
        }
        if (c < 0x20 || c == 0x7f) {
            return String.format("\\x%02x", (int) c);
        }
        if ((c >= 0x80 && c <= 0x9f) || c == '\u2028' || c == '\u2029' || (c >= '\u202a' && c <= '\u202e')
                || (c >= '\u2066' && c <= '\u2069') || c == '\u200e' || c == '\u200f' || c == '\u061c' || c == '\ufeff') {
            return String.format("\\u%04x", (int) c);
        }
        return null;
    }
}
