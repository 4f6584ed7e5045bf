package org.jamesexim.common;

/**
 * Outside text (a sender's header fields, a DNS answer, a daemon's reply) made fit to be copied into a header field
 * of ours (an Authentication-Results reason or comment, a property value), a mail attribute or the text of an SMTP
 * reply we send: text another party reads, whose length must stay within the line.
 *
 * <p>The rules differ from {@link LogText}'s because a header is not a log: a backslash escape would be read as a
 * quoted-pair inside a comment or quoted-string, an escape can make the text longer than its line allows, and a
 * reader of the header wants words, not a way back to the exact bytes. So: printable US-ASCII only; a run of whitespace (space, TAB, CR, LF) is one space, none at either
 * end (CR and LF can never start a new field); every other character (controls, DEL, non-ASCII; a surrogate pair
 * counts once) is {@code ?}; at most {@code max} characters in all, a longer text cut to end in {@code ...}. One
 * pass; no exception on any input. Stateless.
 */
public final class HeaderText {
    private HeaderText() {
    }

    /** {@code s} as one line of printable ASCII of at most {@code max} characters (at least 3); empty for {@code null}. */
    public static String of(String s, int max) {
        if (s == null) {
            return "";
        }
        int limit = Math.max(3, max);
        StringBuilder sb = new StringBuilder(Math.min(s.length(), limit));
        boolean space = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                space = sb.length() > 0;
                continue;
            }
            if (sb.length() + (space ? 2 : 1) > limit) {
                sb.setLength(Math.min(sb.length(), limit - 3));
                return sb.append("...").toString();
            }
            if (space) {
                sb.append(' ');
                space = false;
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            }
            sb.append(c > 0x20 && c < 0x7f ? c : '?');
        }
        return sb.toString();
    }
}
