package org.jamesexim.common.jdbc;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The passwords a {@code jdbc:} URL may hold, and how to keep them (and the configured password) out of messages and
 * log lines: one helper for SRS database mode ({@code dburl}) and the JDBC lookups ({@code <word>Lookup}). Three
 * forms are found: a {@code password=} parameter (any prefix, {@code sslpassword=} too; ended by {@code &} or
 * {@code ;}), the {@code //user:password@host} user information, and Oracle's {@code user/password@host}. Plain
 * Java, no state.
 */
public final class JdbcUrlSecrets {
    /** A password in a URL: {@code password=...}, {@code //user:...@}, Oracle's {@code :user/...@}. */
    private static final Pattern URL_PASSWORD = Pattern.compile(
        "(?i)password=([^&;]+)|//[^/@:]*:([^/@]+)@|:[^:/@]+/([^/@]+)@");
    /** A hidden value shorter than this is not replaced (it would turn every word holding it into a mask). */
    public static final int MIN_HIDDEN_CHARS = 4;
    /** What a hidden value is replaced with. */
    public static final String MASK = "<hidden>";

    private JdbcUrlSecrets() {
    }

    /** The passwords written in {@code url} (empty when none, or {@code url} is null). */
    public static List<String> passwords(String url) {
        List<String> out = new ArrayList<>();
        if (url == null) {
            return out;
        }
        Matcher m = URL_PASSWORD.matcher(url);
        while (m.find()) {
            for (int g = 1; g <= 3; g++) {
                if (m.group(g) != null) {
                    out.add(m.group(g));
                }
            }
        }
        return out;
    }

    /**
     * {@code url} fit to be shown: without its parameters (from the first {@code ?} or {@code ;}), its user
     * information ({@code user:password@}, {@code user/password@}) and any of {@code hidden}.
     */
    public static String shown(String url, Collection<String> hidden) {
        String s = url.replaceAll("[?;].*$", "").replaceAll("//[^/]*@", "//").replaceAll("^(jdbc:[^/@]*:)[^:/@]+/[^@]*@", "$1");
        return redact(s, hidden);
    }

    /**
     * {@code text} with every value of {@code hidden} of {@link #MIN_HIDDEN_CHARS} characters or more replaced by
     * {@link #MASK}, longest first (so that a password holding another is hidden whole); null stays null.
     */
    public static String redact(String text, Collection<String> hidden) {
        if (text == null) {
            return null;
        }
        List<String> sorted = new ArrayList<>();
        for (String h : hidden) {
            if (h != null && h.length() >= MIN_HIDDEN_CHARS) {
                sorted.add(h);
            }
        }
        sorted.sort((a, b) -> Integer.compare(b.length(), a.length()));
        String s = text;
        for (String h : sorted) {
            if (s.contains(h)) {
                s = s.replace(h, MASK);
            }
        }
        return s;
    }
}
