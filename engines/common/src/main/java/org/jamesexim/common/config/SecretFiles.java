package org.jamesexim.common.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The rules of a file that holds a secret (SRS secrets, a database or trust-store password): at most a given size
 * and, on a POSIX file system, no access for others and no write for the group (mode 0600, or 0640 for a group James's
 * user is in). Errors name the parameter and the file, never its text.
 */
public final class SecretFiles {
    /** The largest secret file read by default, in octets. */
    public static final int MAX_OCTETS = 64 * 1024;

    private SecretFiles() {
    }

    /**
     * The text of {@code file} (UTF-8), after checking its mode and size.
     *
     * @param parameter the parameter that named the file, for the message
     * @throws IllegalArgumentException when the file is missing, too big, or open to other users
     */
    public static String read(String parameter, Path file, int maxOctets) {
        byte[] bytes;
        try {
            checkMode(parameter, file);
            long size = Files.size(file);
            if (size > maxOctets) {
                throw new IllegalArgumentException(parameter + ": " + file + " is " + size + " octets; a secret file may hold at most "
                    + maxOctets);
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(parameter + ": cannot read " + file + " (no such file)");
        } catch (IOException e) {
            throw new IllegalArgumentException(parameter + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        if (bytes.length > maxOctets) {
            throw new IllegalArgumentException(parameter + ": " + file + " holds more than " + maxOctets + " octets");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Refuses a file (or the file a link points to) that others may read or write, or its group may write. */
    public static void checkMode(String parameter, Path file) throws IOException {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return; // not a POSIX file system: nothing to check
        }
        if (perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.OTHERS_WRITE)
            || perms.contains(PosixFilePermission.OTHERS_EXECUTE) || perms.contains(PosixFilePermission.GROUP_WRITE)) {
            throw new IllegalArgumentException(parameter + ": " + file + " has mode " + PosixFilePermissions.toString(perms)
                + ": other users could read or change the secret; chmod 600 it (640 for a group James's user is in)");
        }
    }
}
