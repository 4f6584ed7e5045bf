package org.jamesexim.common.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What the tests need from outside the JVM (programs, Perl/Python/npm libraries, a PostgreSQL server), read from the
 * repository's manifest {@code .ci/prerequisites}: the same list {@code ./run-tests} checks and installs from. A fixture
 * calls {@link #require(String)} before it starts anything; a missing prerequisite fails the test (never skips it) with
 * one line naming it and its install step:
 *
 * <pre>missing prerequisite 'dovecot' (dovecot-core): install it with: sudo .ci/install.d/50-dovecot.sh  (or run ./run-tests as root)</pre>
 *
 * <p>The manifest is found by walking up from the working directory (Maven runs a module's tests in the module's
 * folder) to the folder holding {@code .ci/prerequisites}; {@code -Djexim.prerequisites=FILE} or the environment
 * variable {@code JEXIM_PREREQUISITES=FILE} names another one. Each check is a bash command run in the repository
 * root, once per JVM.</p>
 */
public final class Prerequisites {
    public static final String MANIFEST_PROPERTY = "jexim.prerequisites";
    public static final String MANIFEST_ENV = "JEXIM_PREREQUISITES";
    static final String MANIFEST = ".ci/prerequisites";

    private static Prerequisites shared;

    private final Path manifest;
    private final Path root;
    private final Map<String, Entry> entries;
    private final Map<String, Object> outcomes = new ConcurrentHashMap<>();

    /** One line of the manifest. */
    static final class Entry {
        final String name;
        final String step;
        final String packages;
        final String check;

        Entry(String name, String step, String packages, String check) {
            this.name = name;
            this.step = step;
            this.packages = packages;
            this.check = check;
        }
    }

    Prerequisites(Path manifest, Path root) {
        this.manifest = manifest;
        this.root = root;
        this.entries = parse(manifest);
    }

    /**
     * Fails with one line unless the named prerequisite of {@code .ci/prerequisites} is present; returns the last line
     * its check printed (the path of the program, library or directory), or an empty string when it printed nothing.
     */
    public static String require(String name) {
        return shared().check(name);
    }

    private static synchronized Prerequisites shared() {
        if (shared == null) {
            Path cwd = Paths.get("").toAbsolutePath();
            Path root = findRoot(cwd);
            String override = System.getProperty(MANIFEST_PROPERTY, System.getenv(MANIFEST_ENV));
            if (override != null && !override.isEmpty()) {
                shared = new Prerequisites(Paths.get(override).toAbsolutePath(), root != null ? root : cwd);
            } else if (root == null) {
                throw new AssertionError("no " + MANIFEST + " in " + cwd + " or any folder above it (name one with -D"
                    + MANIFEST_PROPERTY + "=FILE)");
            } else {
                shared = new Prerequisites(root.resolve(MANIFEST), root);
            }
        }
        return shared;
    }

    /** The nearest folder at or above {@code start} that holds {@code .ci/prerequisites}, or null. */
    static Path findRoot(Path start) {
        for (Path p = start.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(MANIFEST))) {
                return p;
            }
        }
        return null;
    }

    static Map<String, Entry> parse(Path manifest) {
        List<String> lines;
        try {
            lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("cannot read the prerequisites manifest " + manifest + ": " + e);
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+", 4);
            if (f.length < 4) {
                throw new AssertionError(manifest + ":" + (i + 1) + ": needs four fields (name step packages check): " + line);
            }
            if (entries.put(f[0], new Entry(f[0], f[1], f[2], f[3])) != null) {
                throw new AssertionError(manifest + ":" + (i + 1) + ": '" + f[0] + "' is listed twice");
            }
        }
        return entries;
    }

    Map<String, Entry> entries() {
        return entries;
    }

    /** {@link #require(String)} against this manifest; the outcome of each check is kept. */
    String check(String name) {
        Object outcome = outcomes.computeIfAbsent(name, this::run);
        if (outcome instanceof AssertionError) {
            // a new error each time: its stack trace points at this caller
            throw new AssertionError(((AssertionError) outcome).getMessage());
        }
        return (String) outcome;
    }

    /** The check's last printed line when it succeeds, else the AssertionError to throw. */
    private Object run(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            return new AssertionError("prerequisite '" + name + "' is not listed in " + manifest);
        }
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", e.check).directory(root.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().merge("PATH", "/usr/local/sbin:/usr/sbin:/sbin", (a, b) -> a + ":" + b);
        try {
            Process p = pb.start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new AssertionError("the check for prerequisite '" + name + "' did not finish within 120 s: " + e.check);
            }
            if (p.exitValue() != 0) {
                return new AssertionError(missing(e));
            }
            String last = "";
            for (String l : out.split("\n")) {
                if (!l.isBlank()) {
                    last = l.strip();
                }
            }
            return last;
        } catch (IOException x) {
            return new AssertionError("cannot run bash to check prerequisite '" + name + "': " + x.getMessage());
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
            return new AssertionError("interrupted while checking prerequisite '" + name + "'");
        }
    }

    static String missing(Entry e) {
        return "missing prerequisite '" + e.name + "' (" + e.packages + "): install it with: sudo .ci/install.d/" + e.step
            + "  (or run ./run-tests as root)";
    }
}
