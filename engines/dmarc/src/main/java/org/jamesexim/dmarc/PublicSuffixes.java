package org.jamesexim.dmarc;

import java.io.IOException;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.google.common.net.InternetDomainName;

/**
 * The Organizational Domain of RFC 7489 §3.2: the public suffix of a domain (Public Suffix List, ICANN and private
 * sections, as mailauth, Rspamd and authheaders read it) plus one label. Two sources: {@link #guava()}, the list
 * built into the Guava that James ships (no file to keep), and {@link #file(Path)}, a list in the PSL format (Debian's
 * {@code publicsuffix} package: {@code /usr/share/publicsuffix/public_suffix_list.dat}, updated by apt). A domain
 * under no listed suffix gets the PSL's default rule {@code *} (its last label is the suffix); a domain that is
 * itself a public suffix is its own Organizational Domain. Thread-safe.
 */
public abstract class PublicSuffixes {
    /** Debian's copy of the list (package {@code publicsuffix}). */
    public static final String DEBIAN_LIST = "/usr/share/publicsuffix/public_suffix_list.dat";

    /** The public suffix of a lower-case ASCII domain, or {@code null} under the default rule. */
    abstract String publicSuffix(String domain);

    /** Where the list comes from, for logs and the docs ({@code guava} or the file's path). */
    public abstract String source();

    /** The Organizational Domain of {@code domain} (lower-case ASCII, no trailing dot). */
    public final String organizationalDomain(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        String suffix = publicSuffix(d);
        if (suffix == null) {
            int dot = d.lastIndexOf('.');
            suffix = dot < 0 ? d : d.substring(dot + 1);
        }
        if (suffix.length() >= d.length()) {
            return d;
        }
        int dot = d.lastIndexOf('.', d.length() - suffix.length() - 2);
        return dot < 0 ? d : d.substring(dot + 1);
    }

    /** The list inside Guava's {@code InternetDomainName} (the Guava James 3.8.1 ships: 31.1). */
    public static PublicSuffixes guava() {
        return GuavaList.INSTANCE;
    }

    /** A list in the Public Suffix List's own format (rules, {@code *.} wildcards, {@code !} exceptions). */
    public static PublicSuffixes file(Path path) throws IOException {
        return new FileList(path.toString(), Files.readAllLines(path, StandardCharsets.UTF_8));
    }

    /** The same from lines already read (tests). */
    public static PublicSuffixes lines(String source, List<String> lines) {
        return new FileList(source, lines);
    }

    private static final class GuavaList extends PublicSuffixes {
        static final GuavaList INSTANCE = new GuavaList();

        @Override
        String publicSuffix(String domain) {
            try {
                InternetDomainName name = InternetDomainName.from(domain);
                InternetDomainName suffix = name.publicSuffix();
                return suffix == null ? null : suffix.toString();
            } catch (IllegalArgumentException e) {
                return null; // not a name Guava takes (e.g. a label with '_'): the default rule
            }
        }

        @Override
        public String source() {
            return "guava";
        }
    }

    private static final class FileList extends PublicSuffixes {
        private final String source;
        private final Set<String> rules = new HashSet<>();
        private final Set<String> wildcards = new HashSet<>();
        private final Set<String> exceptions = new HashSet<>();

        FileList(String source, List<String> lines) {
            this.source = source;
            for (String line : lines) {
                String t = line.trim();
                if (t.isEmpty() || t.startsWith("//")) {
                    continue;
                }
                int blank = 0;
                while (blank < t.length() && !Character.isWhitespace(t.charAt(blank))) {
                    blank++;
                }
                String rule = t.substring(0, blank);
                Set<String> into = rules;
                if (rule.startsWith("!")) {
                    rule = rule.substring(1);
                    into = exceptions;
                } else if (rule.startsWith("*.")) {
                    rule = rule.substring(2);
                    into = wildcards;
                }
                try {
                    into.add(IDN.toASCII(rule, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    // a rule Java's IDN cannot encode: left out
                }
            }
        }

        @Override
        String publicSuffix(String domain) {
            int i = 0;
            while (true) {
                String s = domain.substring(i);
                if (exceptions.contains(s)) {
                    int dot = s.indexOf('.');
                    return dot < 0 ? null : s.substring(dot + 1);
                }
                if (rules.contains(s)) {
                    return s;
                }
                int dot = s.indexOf('.');
                if (dot >= 0 && wildcards.contains(s.substring(dot + 1))) {
                    return s;
                }
                if (dot < 0) {
                    return null;
                }
                i += dot + 1;
            }
        }

        @Override
        public String source() {
            return source;
        }
    }
}
