package org.jamesexim.srs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import org.jamesexim.common.ReloadingFile;

/**
 * A list of domains (SRS alias domains, sender domains never rewritten): written in the configuration, read from a
 * file, or both. A file is looked at again at most every {@code checkEvery} and read again when its modification time,
 * size or identity changed; the new list replaces the old one in one step (readers see the old list or the new one,
 * never a mix). A file that cannot be read or holds a line that is not a domain keeps the old list and is reported.
 *
 * <p>File format: one domain a line (commas, colons and blanks also separate); {@code #} starts a comment;
 * {@code *.example.com} stands for every subdomain of example.com (not example.com itself). At most
 * {@link #MAX_FILE_OCTETS}. Domains are compared ignoring ASCII case. Thread-safe, no James types.</p>
 */
public final class SrsDomainList {
    /** The largest domain file read. */
    public static final int MAX_FILE_OCTETS = 1 << 20;

    /** What happened to the file: for the log of the caller. */
    public interface Listener {
        /** The file was read (at the start or after a change); {@code domains} entries are in use now. */
        void loaded(Path file, int domains, boolean reload);

        /** The file could not be read, or a line is not a domain; the list in use stays as it was. */
        void failed(Path file, String why);
    }

    private final List<String> fixed;
    private final ReloadingFile<List<String>> file;

    /**
     * @param name the parameter the fixed domains come from, for errors
     * @param fixed the domains written in the configuration (lower-cased here)
     * @param file a file of domains, or null
     * @param checkEvery how often the file is looked at again (zero: on every call)
     * @throws IllegalArgumentException when a fixed domain is not a domain, or the file cannot be read at the start
     */
    public SrsDomainList(String name, List<String> fixed, Path file, Duration checkEvery, Clock clock, Listener listener) {
        List<String> f = new ArrayList<>();
        for (String d : fixed) {
            f.add(checked(d, name));
        }
        this.fixed = Collections.unmodifiableList(f);
        Objects.requireNonNull(checkEvery, "checkEvery");
        Objects.requireNonNull(clock, "clock");
        if (file == null) {
            this.file = null;
            return;
        }
        Listener l = listener;
        this.file = new ReloadingFile<>(file, p -> merge(this.fixed, read(p)), checkEvery, clock, l == null ? null
            : new ReloadingFile.Listener<List<String>>() {
                @Override
                public void loaded(Path p, List<String> domains, boolean reload) {
                    l.loaded(p, domains.size(), reload);
                }

                @Override
                public void failed(Path p, String why) {
                    l.failed(p, why.replace("(the value in use is kept)", "(the list in use is kept)"));
                }
            });
    }

    /** A list without a file. */
    public static SrsDomainList of(List<String> domains) {
        return new SrsDomainList("domains", domains, null, Duration.ZERO, Clock.systemUTC(), null);
    }

    /** The domains in use now (after looking at the file when it is time to). */
    public List<String> domains() {
        return file == null ? fixed : file.get();
    }

    /** True when no domain is listed (the caller's default applies). */
    public boolean isEmpty() {
        return domains().isEmpty();
    }

    /** Is {@code domain} listed, itself or (for a {@code *.} entry) as a subdomain; ASCII case ignored. */
    public boolean contains(String domain) {
        if (domain == null) {
            return false;
        }
        String d = SrsEngine.asciiLower(domain);
        for (String x : domains()) {
            if (x.startsWith("*.") ? d.endsWith(x.substring(1)) : d.equals(x)) {
                return true;
            }
        }
        return false;
    }

    /** The first plain (not {@code *.}) domain listed, or null. */
    public String first() {
        for (String x : domains()) {
            if (!x.startsWith("*.")) {
                return x;
            }
        }
        return null;
    }

    /** Looks at the file now if it is time to; true when a changed file was read and is in use. */
    public boolean refresh() {
        return file != null && file.refresh();
    }

    private static List<String> read(Path file) {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_FILE_OCTETS) {
                throw new IllegalArgumentException(file + " is larger than " + MAX_FILE_OCTETS + " octets");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " cannot be read: " + e.getClass().getSimpleName());
        }
        List<String> out = new ArrayList<>();
        int n = 0;
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n", -1)) {
            n++;
            int hash = line.indexOf('#');
            String content = hash >= 0 ? line.substring(0, hash) : line;
            for (String item : content.split("[,:\\s]+")) {
                if (!item.isEmpty()) {
                    out.add(checked(item, file + " line " + n));
                }
            }
        }
        return out;
    }

    /** A domain or {@code *.domain}, lower-cased; refused with {@code where} in the message. */
    static String checked(String item, String where) {
        String d = SrsEngine.asciiLower(item.trim());
        String bare = d.startsWith("*.") ? d.substring(2) : d;
        if (bare.isEmpty() || bare.startsWith("[") || !SrsEngine.isDomain(bare) || bare.length() > 255) {
            throw new IllegalArgumentException(where + ": '" + item + "' is not a domain");
        }
        return d;
    }

    private static List<String> merge(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        for (String x : b) {
            if (!out.contains(x)) {
                out.add(x);
            }
        }
        return Collections.unmodifiableList(out);
    }

    @Override
    public String toString() {
        return "SrsDomainList" + (file == null ? fixed : file.current()) + (file == null ? "" : " + " + file.file());
    }

}
