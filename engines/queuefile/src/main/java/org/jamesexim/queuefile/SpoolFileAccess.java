package org.jamesexim.queuefile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import org.jamesexim.common.LogText;

/**
 * The mode and group of the files {@link SpoolDirectory} writes, so that a scanner running as another user of a
 * shared group can read them ({@code fileMode} 0640, {@code fileGroup} its group): 0600 (the default), 0640 or 0660
 * only, since every other mode lets users outside the group read or change mail, or makes a mail executable. The group
 * must be one James's user can give its files (checked at start by giving it to a probe file). Immutable.
 */
public final class SpoolFileAccess {
    /** 0600, James's group unchanged: only James's user reads the files. */
    public static final SpoolFileAccess DEFAULT = new SpoolFileAccess(PosixFilePermissions.fromString("rw-------"), "0600", null, null);
    private static final Pattern OCTAL = Pattern.compile("0?[0-7]{3}");

    private final Set<PosixFilePermission> mode;
    private final String modeText;
    private final String groupName;
    private final GroupPrincipal group;

    private SpoolFileAccess(Set<PosixFilePermission> mode, String modeText, String groupName, GroupPrincipal group) {
        this.mode = mode;
        this.modeText = modeText;
        this.groupName = groupName;
        this.group = group;
    }

    /**
     * @param mode {@code 0600}, {@code 0640} or {@code 0660} (the leading 0 may be left out)
     * @param groupName a group name, or null to keep the group the file gets
     * @param dir the directory the files go to: the group is tried on a probe file there
     * @throws IllegalArgumentException naming {@code fileMode} or {@code fileGroup} when unsafe or impossible
     */
    public static SpoolFileAccess of(String mode, String groupName, Path dir) throws IOException {
        String m = mode == null ? "0600" : mode.trim();
        if (!OCTAL.matcher(m).matches()) {
            throw new IllegalArgumentException("fileMode: '" + LogText.escape(m, 16) + "' is not an octal mode such as 0640");
        }
        String digits = m.length() == 4 ? m.substring(1) : m;
        if (!digits.equals("600") && !digits.equals("640") && !digits.equals("660")) {
            throw new IllegalArgumentException("fileMode: 0" + digits + " is not allowed: James's user must read and write the files, "
                + "nobody outside their group may have any access and nobody may execute them; use 0600, 0640 or 0660");
        }
        Set<PosixFilePermission> perms = PosixFilePermissions.fromString(digits.equals("600") ? "rw-------"
            : digits.equals("640") ? "rw-r-----" : "rw-rw----");
        if (groupName == null || groupName.trim().isEmpty()) {
            return new SpoolFileAccess(perms, "0" + digits, null, null);
        }
        String g = groupName.trim();
        GroupPrincipal group;
        try {
            group = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(g);
        } catch (UserPrincipalNotFoundException e) {
            throw new IllegalArgumentException("fileGroup: no group named '" + LogText.escape(g, 64) + "'");
        } catch (UnsupportedOperationException e) {
            throw new IllegalArgumentException("fileGroup: this file system has no groups");
        }
        SpoolFileAccess access = new SpoolFileAccess(perms, "0" + digits, g, group);
        Path probe = Files.createTempFile(dir, DurableFiles.TEMP_PREFIX + "probe-", "");
        try {
            access.apply(probe);
        } catch (IOException e) {
            throw new IllegalArgumentException("fileGroup: James's user cannot give its files the group " + LogText.escape(g, 64)
                + " (it must be one of the user's groups): " + e.getClass().getSimpleName());
        } finally {
            Files.deleteIfExists(probe);
        }
        return access;
    }

    /** Gives {@code file} this mode and group (before it is published under its final name). */
    void apply(Path file) throws IOException {
        PosixFileAttributeView v = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (v == null) {
            return; // not a POSIX file system: nothing to set
        }
        if (group != null) {
            v.setGroup(group);
        }
        v.setPermissions(mode);
    }

    /** {@code 0640}. */
    public String mode() {
        return modeText;
    }

    /** The group name, or null when the files keep theirs. */
    public String group() {
        return groupName;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpoolFileAccess && ((SpoolFileAccess) o).modeText.equals(modeText)
            && Objects.equals(((SpoolFileAccess) o).groupName, groupName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(modeText, groupName);
    }

    @Override
    public String toString() {
        return "mode " + modeText + (groupName == null ? "" : ", group " + groupName);
    }
}
