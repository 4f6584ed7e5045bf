package org.jamesexim.common;

/** Outside text made fit for a log line or an error message. */
public final class LogText {
    private LogText() {
    }

    /**
     * {@code s} with every character outside visible ASCII and space (controls, DEL, non-ASCII) as {@code ?}, at most
     * {@code max} characters, then {@code ...} when it was longer.
     */
    public static String printable(String s, int max) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), max) + 3);
        for (int i = 0; i < s.length() && i < max; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        if (s.length() > max) {
            sb.append("...");
        }
        return sb.toString();
    }
}
