package org.jamesexim.bmi;

import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The opt-in lookup of the Exim spec's example ({@code ${lookup{$local_part@$domain}lsearch{/etc/exim/bmi_optin_data}}}):
 * a text with one {@code user@domain: OPT1:OPT2} per line. Keys are compared case-insensitively; {@code #} starts a
 * comment line; blank lines are skipped. Beyond Exim's plain lsearch, a key {@code *@domain} applies to every
 * address of the domain without its own line, and {@code *} to every address. Immutable.
 */
public final class BmiOptinTable {
    private final Map<String, BmiOptin> entries;

    private BmiOptinTable(Map<String, BmiOptin> entries) {
        this.entries = Collections.unmodifiableMap(entries);
    }

    /**
     * Parses the table text.
     *
     * @param source named in errors (e.g. the file path)
     * @throws IllegalArgumentException naming the source and line number of the first bad line
     */
    public static BmiOptinTable parse(String text, String source) {
        Map<String, BmiOptin> entries = new HashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            int space = indexOfWhitespace(line);
            int end = colon < 0 ? space : (space < 0 ? colon : Math.min(colon, space));
            if (end <= 0) {
                throw new IllegalArgumentException(source + " line " + (n + 1) + ": expected 'user@domain: OPT1:OPT2'");
            }
            String key = line.substring(0, end).toLowerCase(Locale.ROOT);
            String rest = line.substring(end).trim();
            if (rest.startsWith(":")) {
                rest = rest.substring(1).trim();
            }
            if (!key.equals("*") && key.indexOf('@') <= 0 && !key.startsWith("*@")) {
                throw new IllegalArgumentException(source + " line " + (n + 1) + ": key '" + key + "' is not user@domain, *@domain or *");
            }
            try {
                entries.putIfAbsent(key, BmiOptin.parse(rest));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + " line " + (n + 1) + ": " + e.getMessage(), e);
            }
        }
        return new BmiOptinTable(entries);
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** The opt-in profile of {@code address}: its own line, else {@code *@domain}, else {@code *}, else none. */
    public BmiOptin lookup(String address) {
        String a = address.toLowerCase(Locale.ROOT);
        BmiOptin hit = entries.get(a);
        if (hit == null && a.indexOf('@') >= 0) {
            hit = entries.get("*" + a.substring(a.lastIndexOf('@')));
        }
        if (hit == null) {
            hit = entries.get("*");
        }
        return hit == null ? BmiOptin.none() : hit;
    }

    public int size() {
        return entries.size();
    }
}
