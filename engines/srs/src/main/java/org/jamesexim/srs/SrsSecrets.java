package org.jamesexim.srs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.jamesexim.common.config.Secret;
import org.jamesexim.common.config.SecretFiles;

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
        return lines(parameter, file, SecretFiles.read(parameter, file, MAX_FILE_OCTETS));
    }

    /**
     * The secrets of a secrets file's text (read by {@link SecretFiles}): one a line, the first signs.
     *
     * @throws IllegalArgumentException when it holds no secret
     */
    public static List<String> lines(String parameter, Path file, String text) {
        List<String> out = Secret.lines(text);
        if (out.isEmpty()) {
            throw new IllegalArgumentException(parameter + ": " + file + " holds no secret (one a line, the first signs)");
        }
        return out;
    }
}
