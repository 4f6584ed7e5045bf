package org.jamesexim.srs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The rules a server's SRS secrets must meet, checked when a mailet or hook starts. Whoever knows a secret can sign
 * any SRS0 address, and a signed address is relayed back to whatever it names: a known secret turns the server into
 * an open relay for "bounces". So a secret is refused when it is
 * <ul>
 * <li>shorter than {@link #MIN_OCTETS} octets (UTF-8), or</li>
 * <li>a published example: every secret in the pack's documentation, example configurations, tests and conformance
 * vectors, and anything starting with {@code change-me} ({@link #isPublished}).</li>
 * </ul>
 * A secrets file must be at most {@link #MAX_FILE_OCTETS} octets and, on a POSIX file system, neither readable nor
 * writable by "others" nor writable by its group ({@link #readFile}). Errors name the parameter and the position of
 * the secret in the list, never a secret or any part of one. The conformance tests use the engine directly with
 * short published secrets: these rules belong to the James glue, not to {@link SrsConfig}.
 */
public final class SrsSecrets {
    /** The shortest secret accepted, in octets (128 bits of a random text, e.g. {@code openssl rand -base64 32} gives 44). */
    public static final int MIN_OCTETS = 16;
    /** The largest secrets file read, in octets. */
    public static final int MAX_FILE_OCTETS = 64 * 1024;
    /** How to make a good one, for the error messages. */
    public static final String HOW = "generate one with: openssl rand -base64 32";

    /** Secrets published by this project (docs, examples, tests, vectors), lower-cased. */
    static final Set<String> PUBLISHED = Set.of(
        "change-me-new", "change-me-old", "change-me", "new-secret", "old-secret", "old-one", "old-exim-secret",
        "tops3cr3t", "n3wS3cret".toLowerCase(Locale.ROOT), "0ldS3cret".toLowerCase(Locale.ROOT),
        "f0reignS3cret".toLowerCase(Locale.ROOT), "s3condFwdS3cret".toLowerCase(Locale.ROOT), "an0ther-s3cret",
        "s3cret", "s3cr:et", "secret", "topsecret");

    private SrsSecrets() {
    }

    /** True for a secret this project has published (compared ignoring ASCII case), or one starting with {@code change-me}. */
    public static boolean isPublished(String secret) {
        String s = secret.trim().toLowerCase(Locale.ROOT);
        return PUBLISHED.contains(s) || s.startsWith("change-me");
    }

    /**
     * Refuses a list that breaks the rules.
     *
     * @param parameter the parameter the secrets came from, for the message
     * @throws IllegalArgumentException naming {@code parameter} and the secret's position, never its text
     */
    public static void check(String parameter, List<String> secrets) {
        for (int i = 0; i < secrets.size(); i++) {
            String s = secrets.get(i);
            String which = "secret " + (i + 1) + " of " + secrets.size();
            if (s == null || s.isEmpty()) {
                throw new IllegalArgumentException(parameter + ": " + which + " is empty; " + HOW);
            }
            if (isPublished(s)) {
                throw new IllegalArgumentException(parameter + ": " + which + " is an example published with the James Exim Pack"
                    + " (docs, examples or tests): anyone could sign SRS addresses with it and have this server relay mail"
                    + " to any address; " + HOW);
            }
            int octets = s.getBytes(StandardCharsets.UTF_8).length;
            if (octets < MIN_OCTETS) {
                throw new IllegalArgumentException(parameter + ": " + which + " is " + octets + " octets long; at least "
                    + MIN_OCTETS + " are required; " + HOW);
            }
        }
    }

    /**
     * The secrets of a secrets file: one a line, the first signs; blank lines and lines starting with {@code #} are
     * ignored, each line is trimmed. The file's text never appears in an error.
     *
     * @param parameter the parameter that named the file, for the message
     * @throws IllegalArgumentException when the file is missing, too big, open to other users, or holds no secret
     */
    public static List<String> readFile(String parameter, Path file) {
        byte[] bytes;
        try {
            checkMode(parameter, file);
            long size = Files.size(file);
            if (size > MAX_FILE_OCTETS) {
                throw new IllegalArgumentException(parameter + ": " + file + " is " + size + " octets; a secrets file may hold at most "
                    + MAX_FILE_OCTETS);
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(parameter + ": cannot read " + file + " (no such file)");
        } catch (IOException e) {
            throw new IllegalArgumentException(parameter + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        if (bytes.length > MAX_FILE_OCTETS) {
            throw new IllegalArgumentException(parameter + ": " + file + " holds more than " + MAX_FILE_OCTETS + " octets");
        }
        List<String> out = new ArrayList<>();
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n", -1)) {
            String t = line.trim();
            if (!t.isEmpty() && !t.startsWith("#")) {
                out.add(t);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(parameter + ": " + file + " holds no secret (one a line, the first signs)");
        }
        return out;
    }

    /** Refuses a file (or the file a link points to) that others may read or write, or its group may write. */
    static void checkMode(String parameter, Path file) throws IOException {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return; // not a POSIX file system: nothing to check
        }
        if (perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.OTHERS_WRITE)
            || perms.contains(PosixFilePermission.OTHERS_EXECUTE) || perms.contains(PosixFilePermission.GROUP_WRITE)) {
            throw new IllegalArgumentException(parameter + ": " + file + " has mode " + PosixFilePermissions.toString(perms)
                + ": other users could read or change the SRS secrets; chmod 600 it (640 for a group James's user is in)");
        }
    }
}
