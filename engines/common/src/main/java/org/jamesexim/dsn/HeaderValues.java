package org.jamesexim.dsn;

import java.util.ArrayList;
import java.util.List;

/**
 * Makes text that came from a remote server safe to write in a header field (RFC 5322) and folds it.
 *
 * <p>Nothing a server sends can add a field or end the header block: carriage returns are dropped, line feeds are
 * kept only as fold points of our own (a line feed followed by one space), other control characters and non-ASCII
 * bytes become {@code ?}, lines that end up empty are dropped. Folding follows Exim's {@code wrap_header(s, 79,
 * 1023, " ", 1)}: lines longer than 79 columns break at the last space past column 10, or hard at column 79 when
 * there is none; the whole field is at most 1023 characters.</p>
 */
public final class HeaderValues {
    /** Exim cuts the greeting and the EHLO/HELO reply to this many characters. */
    public static final int SHORT_VALUE_MAX = 128;
    /** Longest field (name, value and folding) written. */
    public static final int FIELD_MAX = 1023;
    /** Fold column. */
    public static final int WIDTH = 79;
    private static final int MIN_BREAK_COLUMN = 10;

    private HeaderValues() {
    }

    /**
     * The lines of the text, each cleaned: CR dropped, tabs as spaces, other control characters and anything
     * outside printable ASCII as {@code ?}, trailing spaces removed; lines that become empty are left out.
     */
    public static List<String> cleanLines(String text) {
        List<String> lines = new ArrayList<>();
        if (text == null) {
            return lines;
        }
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                addLine(lines, line);
                line.setLength(0);
            } else if (c == '\r') {
                continue;
            } else if (c == '\t') {
                line.append(' ');
            } else if (c < 0x20 || c > 0x7e) {
                line.append('?');
            } else {
                line.append(c);
            }
        }
        addLine(lines, line);
        return lines;
    }

    private static void addLine(List<String> lines, StringBuilder line) {
        int end = line.length();
        while (end > 0 && line.charAt(end - 1) == ' ') {
            end--;
        }
        if (end > 0) {
            lines.add(line.substring(0, end));
        }
    }

    /** The first non-empty line, cleaned and cut to {@code max} characters; empty if there is none. */
    public static String firstLine(String text, int max) {
        List<String> lines = cleanLines(text);
        if (lines.isEmpty()) {
            return "";
        }
        String first = lines.get(0);
        return first.length() > max ? first.substring(0, max) : first;
    }

    /** All non-empty lines, cleaned, joined with {@code \n} (the fold marker understood by {@link #fold}). */
    public static String multiLine(String text) {
        return String.join("\n", cleanLines(text));
    }

    /**
     * {@code name: value} folded at 79 columns; each {@code \n} in the (already cleaned) value starts a
     * continuation line. Cut so that the result (without a final CRLF) is at most {@link #FIELD_MAX} characters.
     * Lines are separated by CRLF.
     */
    public static String fold(String name, String value) {
        // folding only adds characters, so nothing past FIELD_MAX of the value can survive
        String v = value.length() > FIELD_MAX ? value.substring(0, FIELD_MAX) : value;
        String folded = foldOnce(name, v);
        while (folded.length() > FIELD_MAX && !v.isEmpty()) {
            v = v.substring(0, Math.max(0, v.length() - (folded.length() - FIELD_MAX)));
            folded = foldOnce(name, v);
        }
        return folded;
    }

    private static String foldOnce(String name, String value) {
        StringBuilder out = new StringBuilder();
        String[] segments = value.split("\n", -1);
        StringBuilder current = new StringBuilder(name).append(": ");
        for (int s = 0; s < segments.length; s++) {
            if (s > 0) {
                flushWrapped(out, current);
                out.append("\r\n");
                current.setLength(0);
                current.append(' ');
            }
            current.append(segments[s]);
        }
        flushWrapped(out, current);
        return out.toString();
    }

    /** Appends one logical line, broken at {@link #WIDTH}. Continuations start with one space. */
    private static void flushWrapped(StringBuilder out, StringBuilder line) {
        String rest = line.toString();
        boolean first = true;
        while (rest.length() > WIDTH) {
            int cut = rest.lastIndexOf(' ', WIDTH);
            String head;
            if (cut > MIN_BREAK_COLUMN) {
                head = rest.substring(0, cut);
                rest = rest.substring(cut); // the space becomes the fold's leading white space
            } else {
                head = rest.substring(0, WIDTH);
                rest = " " + rest.substring(WIDTH);
            }
            if (!first) {
                out.append("\r\n");
            }
            out.append(head);
            first = false;
        }
        if (!first) {
            out.append("\r\n");
        }
        out.append(rest);
    }
}
