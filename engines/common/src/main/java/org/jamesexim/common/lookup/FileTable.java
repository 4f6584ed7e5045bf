package org.jamesexim.common.lookup;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The text of a lookup file, Exim's {@code lsearch} format with the {@code *} wildcard of {@code nwildlsearch}.
 * Immutable; built by {@link #parse} in one pass over the text (linear in its length).
 *
 * <ul>
 * <li>One entry a line: the key, then an optional {@code :} and blanks, then the value (trimmed; it may be empty).
 * The key ends at the first {@code :} or blank ({@code user@example.org: OPT1:OPT2}, {@code mout.gmx.net
 * 212.227.15.16}); a key with blanks or colons is written in double quotes, {@code \"} and {@code \\} inside.</li>
 * <li>A line that starts with a blank continues the value of the entry above (joined with one space), as in Exim.</li>
 * <li>Blank lines and lines starting with {@code #} are skipped. Line ends LF or CRLF; UTF-8.</li>
 * <li>Keys are compared case-insensitively (Exim's lsearch too); the first line of a key wins.</li>
 * <li>A key starting with {@code *} matches every key ending with the rest: {@code *.gmx.net} any name under gmx.net,
 * {@code *@example.org} any address of that domain, {@code *} every key. A key's own line wins, then the longest
 * matching {@code *} pattern (Exim's {@code nwildlsearch} takes the first matching line of the file: the same
 * answer when the more specific patterns come first, as one writes them). {@code *} elsewhere in a key, and Exim's
 * {@code ^regex} keys, are refused naming the line (a regular expression from a file is not linear to match).</li>
 * </ul>
 */
public final class FileTable {
    /** The largest file read, in octets. */
    public static final int MAX_FILE_OCTETS = 16 << 20;
    /** The most lines read. */
    public static final int MAX_LINES = 1_000_000;

    private final Map<String, String> exact;
    private final Map<String, String> wild;
    private final int[] wildLengths; // longest first

    private FileTable(Map<String, String> exact, Map<String, String> wild) {
        this.exact = Collections.unmodifiableMap(exact);
        this.wild = Collections.unmodifiableMap(wild);
        TreeSet<Integer> lengths = new TreeSet<>(Collections.reverseOrder());
        for (String k : wild.keySet()) {
            lengths.add(k.length());
        }
        this.wildLengths = lengths.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Parses {@code text}.
     *
     * @param source names the file in errors
     * @param check vets each value (null: any)
     * @throws IllegalArgumentException naming {@code source} and the line of the first bad line (not its value)
     */
    public static FileTable parse(String source, String text, Lookup.ValueCheck check) {
        Lookup.ValueCheck vet = check == null ? Lookup.ValueCheck.ANY : check;
        Map<String, String> exact = new HashMap<>();
        Map<String, String> wild = new HashMap<>();
        int n = 0;
        int pos = 0;
        int len = text.length();
        String key = null;
        StringBuilder value = null;
        int keyLine = 0;
        while (pos < len) {
            int end = text.indexOf('\n', pos);
            if (end < 0) {
                end = len;
            }
            int lineEnd = end > pos && text.charAt(end - 1) == '\r' ? end - 1 : end;
            n++;
            if (n > MAX_LINES) {
                throw new IllegalArgumentException(source + ": more than " + MAX_LINES + " lines");
            }
            String line = text.substring(pos, lineEnd);
            pos = end + 1;
            if (line.isEmpty() || line.charAt(0) == '#') {
                continue;
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                String more = line.trim();
                if (more.isEmpty()) {
                    continue;
                }
                if (key == null) {
                    throw new IllegalArgumentException(source + " line " + n + ": a continuation line (starting with a blank) without an entry above");
                }
                if (value.length() > 0) {
                    value.append(' ');
                }
                value.append(more);
                if (value.length() > Lookup.MAX_VALUE_CHARS) {
                    throw new IllegalArgumentException(source + " line " + n + ": value longer than " + Lookup.MAX_VALUE_CHARS + " characters");
                }
                continue;
            }
            if (key != null) {
                add(source, keyLine, key, value.toString(), vet, exact, wild);
            }
            keyLine = n;
            int i;
            StringBuilder k = new StringBuilder();
            if (line.charAt(0) == '"') {
                i = 1;
                boolean closed = false;
                while (i < line.length()) {
                    char c = line.charAt(i);
                    if (c == '\\' && i + 1 < line.length()) {
                        k.append(line.charAt(i + 1));
                        i += 2;
                    } else if (c == '"') {
                        closed = true;
                        i++;
                        break;
                    } else {
                        k.append(c);
                        i++;
                    }
                }
                if (!closed) {
                    throw new IllegalArgumentException(source + " line " + n + ": the quoted key has no closing \"");
                }
            } else {
                i = 0;
                while (i < line.length() && line.charAt(i) != ':' && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
                    i++;
                }
                k.append(line, 0, i);
            }
            while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
                i++;
            }
            if (i < line.length() && line.charAt(i) == ':') {
                i++;
            }
            key = k.toString();
            if (key.isEmpty()) {
                throw new IllegalArgumentException(source + " line " + n + ": no key before the ':'");
            }
            if (key.length() > Lookup.MAX_KEY_CHARS) {
                throw new IllegalArgumentException(source + " line " + n + ": key longer than " + Lookup.MAX_KEY_CHARS + " characters");
            }
            if (key.charAt(0) == '^') {
                throw new IllegalArgumentException(source + " line " + n + ": ^regex keys are not supported (list the names, or use *suffix)");
            }
            if (key.indexOf('*', 1) >= 0) {
                throw new IllegalArgumentException(source + " line " + n + ": '*' is only allowed as the first character of a key");
            }
            value = new StringBuilder(line.substring(i).trim());
            if (value.length() > Lookup.MAX_VALUE_CHARS) {
                throw new IllegalArgumentException(source + " line " + n + ": value longer than " + Lookup.MAX_VALUE_CHARS + " characters");
            }
        }
        if (key != null) {
            add(source, keyLine, key, value.toString(), vet, exact, wild);
        }
        return new FileTable(exact, wild);
    }

    private static void add(String source, int line, String key, String value, Lookup.ValueCheck vet, Map<String, String> exact,
                            Map<String, String> wild) {
        String problem = vet.problem(value);
        if (problem != null) {
            throw new IllegalArgumentException(source + " line " + line + ": " + problem);
        }
        String k = key.toLowerCase(Locale.ROOT);
        if (k.charAt(0) == '*') {
            wild.putIfAbsent(k.substring(1), value);
        } else {
            exact.putIfAbsent(k, value);
        }
    }

    /** The value of {@code key} (any case): its own line, else the longest {@code *} pattern it ends with; null if none. */
    public String get(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        String v = exact.get(k);
        if (v != null) {
            return v;
        }
        for (int l : wildLengths) {
            if (l <= k.length()) {
                v = wild.get(k.substring(k.length() - l));
                if (v != null) {
                    return v;
                }
            }
        }
        return null;
    }

    /** The number of entries (keys and patterns). */
    public int size() {
        return exact.size() + wild.size();
    }

    @Override
    public String toString() {
        return "FileTable{" + size() + " entries, patterns of lengths " + Arrays.toString(wildLengths) + "}";
    }
}
