package org.jamesexim.srs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

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

    /** One list in use: the configured domains and the file's, in that order. */
    private static final class Snapshot {
        final List<String> domains;
        final Object stamp;

        Snapshot(List<String> domains, Object stamp) {
            this.domains = domains;
            this.stamp = stamp;
        }
    }

    private final List<String> fixed;
    private final Path file;
    private final Duration checkEvery;
    private final Clock clock;
    private final Listener listener;
    private volatile Snapshot current;
    private volatile long nextCheck;

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
        this.file = file;
        this.checkEvery = Objects.requireNonNull(checkEvery, "checkEvery");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = listener == null ? new Listener() {
            @Override
            public void loaded(Path p, int domains, boolean reload) {
            }

            @Override
            public void failed(Path p, String why) {
            }
        } : listener;
        if (file == null) {
            current = new Snapshot(this.fixed, null);
        } else {
            Object stamp = stamp(file);
            if (stamp == null) {
                throw new IllegalArgumentException(file + " cannot be read");
            }
            current = new Snapshot(merge(this.fixed, read(file)), stamp);
            this.listener.loaded(file, current.domains.size(), false);
        }
        nextCheck = clock.millis() + checkEvery.toMillis();
    }

    /** A list without a file. */
    public static SrsDomainList of(List<String> domains) {
        return new SrsDomainList("domains", domains, null, Duration.ZERO, Clock.systemUTC(), null);
    }

    /** The domains in use now (after looking at the file when it is time to). */
    public List<String> domains() {
        refresh();
        return current.domains;
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
        if (file == null) {
            return false;
        }
        long now = clock.millis();
        if (now < nextCheck) {
            return false;
        }
        synchronized (this) {
            if (now < nextCheck) {
                return false;
            }
            nextCheck = now + checkEvery.toMillis();
            Object stamp = stamp(file);
            if (stamp == null) {
                if (current.stamp != null) {
                    listener.failed(file, "cannot be read (the list in use is kept)");
                    current = new Snapshot(current.domains, null);
                }
                return false;
            }
            if (stamp.equals(current.stamp)) {
                return false;
            }
            try {
                List<String> read = read(file);
                current = new Snapshot(merge(fixed, read), stamp);
                listener.loaded(file, current.domains.size(), true);
                return true;
            } catch (IllegalArgumentException e) {
                current = new Snapshot(current.domains, stamp); // reported once per change
                listener.failed(file, e.getMessage() + " (the list in use is kept)");
                return false;
            }
        }
    }

    private static Object stamp(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            if (!a.isRegularFile()) {
                return null;
            }
            return List.of(a.lastModifiedTime().toMillis(), a.size(), String.valueOf(a.fileKey()));
        } catch (IOException e) {
            return null;
        }
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
        return "SrsDomainList" + current.domains + (file == null ? "" : " + " + file);
    }

}
