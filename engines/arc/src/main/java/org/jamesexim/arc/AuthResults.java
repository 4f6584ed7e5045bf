package org.jamesexim.arc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import org.jamesexim.common.mail.CommentsAndQuotes;

/**
 * A leniently parsed Authentication-Results value (RFC 8601): the authserv-id and the list of results
 * ({@code method=result props...}), each with whitespace unfolded and compressed. Comments (CFWS) and an
 * authres-version after the authserv-id are accepted; a value that cannot be parsed gives {@code null}
 * from {@link #parse}, never an exception (a bad A-R must not stop a seal or a verify).
 */
public final class AuthResults {
    private final String authservId;
    private final List<String> results;

    private AuthResults(String authservId, List<String> results) {
        this.authservId = authservId;
        this.results = results;
    }

    public String authservId() {
        return authservId;
    }

    /** The results in order, e.g. {@code spf=pass smtp.mfrom=a@b.example}; "none" is dropped. */
    public List<String> results() {
        return results;
    }

    /** Whether the authserv-id equals {@code id} (case-insensitive, as a domain-like name). */
    public boolean isFrom(String id) {
        return authservId.equalsIgnoreCase(id);
    }

    /** The result word of the first result of {@code method} (e.g. "arc" → "pass"), or {@code null}. */
    public String resultOf(String method) {
        return resultOf(results, method);
    }

    /**
     * The result word of the first of {@code results} (as {@link #results()} gives them) for {@code method}, lower
     * case, or {@code null}.
     */
    public static String resultOf(List<String> results, String method) {
        for (String r : results) {
            int eq = r.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String m = r.substring(0, eq).trim();
            int slash = m.indexOf('/');
            if (slash >= 0) {
                m = m.substring(0, slash).trim();
            }
            if (!m.equalsIgnoreCase(method)) {
                continue;
            }
            int i = eq + 1;
            while (i < r.length() && r.charAt(i) == ' ') {
                i++;
            }
            int j = i;
            while (j < r.length() && r.charAt(j) != ' ' && r.charAt(j) != '(' && r.charAt(j) != ';') {
                j++;
            }
            return r.substring(i, j).toLowerCase(Locale.ROOT);
        }
        return null;
    }

    /**
     * The authserv-id a header field value claims, read as leniently as any consumer might read it: after comments
     * and folding whitespace, a quoted string or everything up to white space, {@code ;} or {@code (}; a trailing
     * dot is dropped. {@code null} when there is none (an Outlook-style A-R starting with a result). Used to remove
     * forged A-R in our name: whatever a lenient reader would take for our id, we take for ours.
     */
    public static String authservIdOf(String value) {
        int[] end = new int[1];
        String id = readId(value, end);
        if (id == null) {
            return null;
        }
        String t = normalise(id);
        return t.isEmpty() ? null : t;
    }

    /** Whether {@code value} claims the authserv-id {@code id} (case-insensitive, folding and comments ignored). */
    public static boolean claims(String value, String id) {
        String claimed = authservIdOf(value);
        return claimed != null && claimed.equalsIgnoreCase(normalise(id));
    }

    /** Without surrounding blanks and trailing dots ({@code mx.example.test.} names the same host). */
    private static String normalise(String id) {
        int start = 0;
        int end = id.length();
        while (start < end && isSpace(id.charAt(start))) {
            start++;
        }
        while (end > start && (isSpace(id.charAt(end - 1)) || id.charAt(end - 1) == '.')) {
            end--;
        }
        return id.substring(start, end);
    }

    private static String readId(String v, int[] endOut) {
        int n = v.length();
        int i = skipCfws(v, 0);
        if (i >= n) {
            return null;
        }
        String id;
        if (v.charAt(i) == '"') {
            int end = endOfQuoted(v, i);
            if (end < 0) {
                return null;
            }
            id = unescape(v.substring(i + 1, end - 1));
            i = end;
        } else {
            int start = i;
            while (i < n && !isSpace(v.charAt(i)) && v.charAt(i) != ';' && v.charAt(i) != '(') {
                i++;
            }
            id = v.substring(start, i);
        }
        if (id.isEmpty() || id.indexOf('=') >= 0) {
            // Outlook-style A-R without an authserv-id
            return null;
        }
        endOut[0] = i;
        return id;
    }

    private static String unescape(String quoted) {
        if (quoted.indexOf('\\') < 0) {
            return quoted;
        }
        StringBuilder sb = new StringBuilder(quoted.length());
        for (int i = 0; i < quoted.length(); i++) {
            char c = quoted.charAt(i);
            if (c == '\\' && i + 1 < quoted.length()) {
                c = quoted.charAt(++i);
            }
            sb.append(c);
        }
        return sb.toString();
    }

    /** Parses a header field value (the part after the colon); {@code null} if it has no usable authserv-id. */
    public static AuthResults parse(String value) {
        return parse(value, ArcLimits.DEFAULT.maxAuthResults());
    }

    /**
     * Parses a value of at most {@code maxResults} results ({@code null} for more: such a field is not
     * consolidated). One pass over the value.
     */
    public static AuthResults parse(String value, int maxResults) {
        String v = value;
        int n = v.length();
        int[] idEnd = new int[1];
        String id = readId(v, idEnd);
        if (id == null) {
            // no authserv-id: not ours, not parseable for consolidation
            return null;
        }
        int i = idEnd[0];
        i = skipCfws(v, i);
        // optional authres-version
        int d = i;
        while (d < n && Character.isDigit(v.charAt(d))) {
            d++;
        }
        if (d > i) {
            i = skipCfws(v, d);
        }
        List<String> results = new ArrayList<>();
        if (i >= n) {
            return new AuthResults(id, Collections.emptyList());
        }
        if (v.charAt(i) != ';') {
            String rest = compress(v.substring(i));
            if (rest.equalsIgnoreCase("none")) {
                return new AuthResults(id, Collections.emptyList());
            }
            return null;
        }
        i++;
        int start = i;
        CommentsAndQuotes lexer = new CommentsAndQuotes();
        for (; i <= n; i++) {
            char c = i < n ? v.charAt(i) : ';';
            if (!lexer.outside(c)) {
                continue;
            }
            if (c == ';') {
                String r = compress(v.substring(start, Math.min(i, n)));
                if (!r.isEmpty() && !r.equalsIgnoreCase("none")) {
                    if (results.size() == maxResults) {
                        return null;
                    }
                    results.add(r);
                }
                start = i + 1;
            }
        }
        return new AuthResults(id, Collections.unmodifiableList(results));
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static int skipCfws(String v, int i) {
        int n = v.length();
        while (i < n) {
            char c = v.charAt(i);
            if (isSpace(c)) {
                i++;
            } else if (c == '(') {
                int depth = 0;
                while (i < n) {
                    char d = v.charAt(i);
                    if (d == '\\') {
                        i += 2;
                        continue;
                    }
                    if (d == '(') {
                        depth++;
                    } else if (d == ')') {
                        depth--;
                        if (depth == 0) {
                            i++;
                            break;
                        }
                    }
                    i++;
                }
            } else {
                break;
            }
        }
        return Math.min(i, n);
    }

    private static int endOfQuoted(String v, int i) {
        for (int j = i + 1; j < v.length(); j++) {
            char c = v.charAt(j);
            if (c == '\\') {
                j++;
            } else if (c == '"') {
                return j + 1;
            }
        }
        return -1;
    }

    /** Unfolds and compresses whitespace runs to one space, trimming the ends. */
    static String compress(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean space = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isSpace(c)) {
                space = sb.length() > 0;
                continue;
            }
            if (space) {
                sb.append(' ');
                space = false;
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
