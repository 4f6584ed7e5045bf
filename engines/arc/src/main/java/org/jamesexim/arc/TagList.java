package org.jamesexim.arc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A strictly parsed DKIM tag list (RFC 6376 section 3.2) as used by ARC-Seal, ARC-Message-Signature and key
 * records. Duplicate tags, invalid tag names, stray semicolons and characters outside VALCHAR are syntax errors.
 * Each tag remembers where its raw value sits in the parsed text so that {@code b=} can be blanked in place.
 */
public final class TagList {
    private final List<String> names;
    private final List<String> values;
    private final int[] rawStart;
    private final int[] rawEnd;

    private TagList(List<String> names, List<String> values, int[] rawStart, int[] rawEnd) {
        this.names = names;
        this.values = values;
        this.rawStart = rawStart;
        this.rawEnd = rawEnd;
    }

    /** Thrown for text that is not a valid tag list; the message says what and where. */
    public static final class SyntaxException extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxException(String message) {
            super(message, null, false, false);
        }
    }

    private static boolean isWsp(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** Parses {@code text} (a header field value, or a key record) with the default {@link ArcLimits#maxTags()}. */
    public static TagList parse(String text) throws SyntaxException {
        return parse(text, ArcLimits.DEFAULT.maxTags());
    }

    /**
     * Parses {@code text}, refusing more than {@code maxTags} tags: the work is linear in the length of the text
     * and stops at the first error or at the tag after the last one allowed.
     */
    public static TagList parse(String text, int maxTags) throws SyntaxException {
        List<String> names = new ArrayList<>(10);
        Set<String> seen = new HashSet<>(16);
        List<String> values = new ArrayList<>(10);
        int[] starts = new int[12];
        int[] ends = new int[12];
        int n = text.length();
        int pos = 0;
        while (true) {
            while (pos < n && isWsp(text.charAt(pos))) {
                pos++;
            }
            if (pos >= n) {
                // empty list or a trailing ";" after the last tag-spec
                break;
            }
            if (names.size() == maxTags) {
                throw new SyntaxException("more than " + maxTags + " tags (maxTags)");
            }
            int nameStart = pos;
            if (!isAlpha(text.charAt(pos))) {
                throw new SyntaxException("invalid tag name at offset " + pos);
            }
            pos++;
            while (pos < n) {
                char c = text.charAt(pos);
                if (isAlpha(c) || (c >= '0' && c <= '9') || c == '_') {
                    pos++;
                } else {
                    break;
                }
            }
            String name = text.substring(nameStart, pos);
            while (pos < n && isWsp(text.charAt(pos))) {
                pos++;
            }
            if (pos >= n || text.charAt(pos) != '=') {
                throw new SyntaxException("tag " + shown(name) + " has no '='");
            }
            pos++;
            int valueStart = pos;
            int semi = text.indexOf(';', pos);
            int valueEnd = semi < 0 ? n : semi;
            int a = valueStart;
            int b = valueEnd;
            while (a < b && isWsp(text.charAt(a))) {
                a++;
            }
            while (b > a && isWsp(text.charAt(b - 1))) {
                b--;
            }
            for (int i = a; i < b; i++) {
                char c = text.charAt(i);
                if (!(isWsp(c) || (c >= 0x21 && c <= 0x7e) || c >= 0x80)) {
                    throw new SyntaxException("invalid character in value of tag " + shown(name));
                }
            }
            if (!seen.add(name)) {
                throw new SyntaxException("duplicate tag " + shown(name));
            }
            int idx = names.size();
            if (idx == starts.length) {
                starts = java.util.Arrays.copyOf(starts, idx * 2);
                ends = java.util.Arrays.copyOf(ends, idx * 2);
            }
            names.add(name);
            values.add(text.substring(a, b));
            starts[idx] = valueStart;
            ends[idx] = valueEnd;
            if (semi < 0) {
                break;
            }
            pos = semi + 1;
        }
        return new TagList(Collections.unmodifiableList(names), Collections.unmodifiableList(values), starts, ends);
    }

    /** A tag name (letters, digits, '_') for a message, quoted and cut to 40 characters. */
    private static String shown(String name) {
        return "'" + (name.length() > 40 ? name.substring(0, 37) + "..." : name) + "'";
    }

    private int index(String name) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equals(name)) {
                return i;
            }
        }
        return -1;
    }

    public boolean has(String name) {
        return index(name) >= 0;
    }

    /** The value with surrounding whitespace removed, or {@code null} if the tag is absent. */
    public String get(String name) {
        int i = index(name);
        return i < 0 ? null : values.get(i);
    }

    /** The value with all whitespace removed (for base64 tags such as {@code b=}, {@code bh=}, {@code p=}). */
    public String getCompact(String name) {
        String v = get(name);
        if (v == null) {
            return null;
        }
        StringBuilder sb = null;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (isWsp(c)) {
                if (sb == null) {
                    sb = new StringBuilder(v.length());
                    sb.append(v, 0, i);
                }
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? v : sb.toString();
    }

    public List<String> names() {
        return names;
    }

    /** Offset in the parsed text just after the tag's {@code =}. */
    public int rawValueStart(String name) {
        int i = index(name);
        return i < 0 ? -1 : rawStart[i];
    }

    /** Offset in the parsed text of the {@code ;} ending the tag, or the text length. */
    public int rawValueEnd(String name) {
        int i = index(name);
        return i < 0 ? -1 : rawEnd[i];
    }
}
