package org.jamesexim.common;

/**
 * Outside text (bytes from SMTP clients, remote servers, daemons, files) made fit for a log line, an error message
 * or an SMTP reply: the one rule set of the pack.
 *
 * <p>The result is printable US-ASCII only ({@code 0x20}-{@code 0x7e}) and can be read back to the exact input:
 * <ul>
 * <li>a backslash is doubled ({@code \\});
 * <li>CR, LF and TAB are {@code \r}, {@code \n}, {@code \t}; every other C0 control and DEL is {@code \xHH};
 * <li>every other character outside ASCII is <code>&#92;uHHHH</code> (C1 controls, line separators, bidirectional
 * overrides and letters alike, so look-alike letters and invisible characters cannot pass for others); a
 * character beyond the BMP (a surrogate pair) is {@code \UHHHHHHHH}, a lone surrogate <code>&#92;uHHHH</code>;
 * <li>at most {@code max} characters of the input are written (a surrogate pair is never split); when some were
 * left out, the result ends in {@code ...(N more)}, N being the count of input characters left out.
 * </ul>
 * So no CR, LF, ESC or other control can reach a log line, and a text cannot forge a second log line or a
 * terminal escape. One pass over at most {@code max} characters; nothing kept beyond the result; no exception on
 * any input. Stateless.
 */
public final class LogText {
    /** Characters kept of a quoted snippet of outside text inside an error message ({@link #quote}). */
    public static final int SNIPPET_CHARS = 120;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private LogText() {
    }

    /**
     * {@code s} escaped (see the class comment), at most {@code max} of its characters (a negative {@code max} counts
     * as 0), then {@code ...(N more)} when it was longer; {@code null} for null.
     */
    public static String escape(String s, int max) {
        if (s == null) {
            return "null";
        }
        int len = s.length();
        int n = Math.min(len, Math.max(0, max));
        if (n > 0 && n < len && Character.isHighSurrogate(s.charAt(n - 1)) && Character.isLowSurrogate(s.charAt(n))) {
            n--; // never cut a pair in two
        }
        int i = 0;
        while (i < n && plain(s.charAt(i))) {
            i++;
        }
        if (i == len) {
            return s;
        }
        StringBuilder sb = new StringBuilder(n + 16).append(s, 0, i);
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (plain(c)) {
                sb.append(c);
            } else if (c == '\\') {
                sb.append("\\\\");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\t') {
                sb.append("\\t");
            } else if (c < 0x20 || c == 0x7f) {
                sb.append("\\x");
                hex(sb, c, 2);
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                sb.append("\\U");
                hex(sb, Character.toCodePoint(c, s.charAt(++i)), 8);
            } else {
                sb.append("\\u");
                hex(sb, c, 4);
            }
        }
        if (n < len) {
            sb.append("...(").append(len - n).append(" more)");
        }
        return sb.toString();
    }

    /** {@code 's'}, escaped and cut to {@link #SNIPPET_CHARS}: for quoting outside text in an error message; {@code null} for null. */
    public static String quote(String s) {
        return s == null ? "null" : "'" + escape(s, SNIPPET_CHARS) + "'";
    }

    private static boolean plain(char c) {
        return c >= 0x20 && c < 0x7f && c != '\\';
    }

    private static void hex(StringBuilder sb, int v, int digits) {
        for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) {
            sb.append(HEX[(v >>> shift) & 0xf]);
        }
    }
}
