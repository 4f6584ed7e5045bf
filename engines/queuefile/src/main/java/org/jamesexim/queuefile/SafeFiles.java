package org.jamesexim.queuefile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * File access for a directory others may write into: attributes read without following links, reads of regular
 * files only (opened with {@code O_NOFOLLOW}, bounded, checked not to change while being read), moves that never
 * replace a file, and the start-up check of a directory's owner and mode (and of every directory above it).
 */
final class SafeFiles {
    private static final int WRITABLE_BY_GROUP_OR_OTHERS = 0022;
    private static final int STICKY = 01000;
    private static volatile Integer processUid;

    private SafeFiles() {
    }

    /** What {@code lstat} says about a file. */
    static final class Stat {
        final boolean regular;
        final boolean symlink;
        final boolean directory;
        final long size;
        final long mtimeMillis;
        /** -1 when the file system does not tell. */
        final int uid;
        /** -1 when the file system does not tell. */
        final int mode;
        final int nlink;
        final Object key;

        Stat(boolean regular, boolean symlink, boolean directory, long size, long mtimeMillis, int uid, int mode, int nlink, Object key) {
            this.regular = regular;
            this.symlink = symlink;
            this.directory = directory;
            this.size = size;
            this.mtimeMillis = mtimeMillis;
            this.uid = uid;
            this.mode = mode;
            this.nlink = nlink;
            this.key = key;
        }

        String kind() {
            return regular ? "regular file" : symlink ? "symbolic link" : directory ? "directory" : "special file (FIFO, socket or device)";
        }

        boolean sameFile(Stat o) {
            return o != null && key != null && key.equals(o.key);
        }
    }

    /** The file's attributes, links not followed; null when there is no such file. */
    static Stat stat(Path p) throws IOException {
        try {
            Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,nlink,size,lastModifiedTime,isRegularFile,isSymbolicLink,isDirectory,fileKey",
                    LinkOption.NOFOLLOW_LINKS);
            return new Stat((Boolean) a.get("isRegularFile"), (Boolean) a.get("isSymbolicLink"), (Boolean) a.get("isDirectory"),
                    (Long) a.get("size"), ((FileTime) a.get("lastModifiedTime")).toMillis(), (Integer) a.get("uid"), (Integer) a.get("mode"),
                    (Integer) a.get("nlink"), a.get("fileKey"));
        } catch (NoSuchFileException e) {
            return null;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            try {
                BasicFileAttributes b = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                return new Stat(b.isRegularFile(), b.isSymbolicLink(), b.isDirectory(), b.size(), b.lastModifiedTime().toMillis(), -1, -1, 1,
                        b.fileKey());
            } catch (NoSuchFileException e2) {
                return null;
            }
        }
    }

    /** The uid this process runs as, -1 when it cannot be told (not Linux). */
    static int processUid() {
        Integer u = processUid;
        if (u == null) {
            int v;
            try {
                v = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            } catch (IOException | RuntimeException e) {
                v = -1;
            }
            processUid = u = v;
        }
        return u;
    }

    /** Whether a file of that owner may be read: this process's user or root (-1: not known, allowed). */
    static boolean trustedOwner(int uid) {
        int me = processUid();
        return uid < 0 || me < 0 || uid == me || uid == 0;
    }

    /**
     * Reads a regular file of at most {@code max} bytes: never through a symbolic link, never a FIFO or device,
     * never more than {@code max} bytes, and only if it did not change while it was read.
     *
     * @param limitName how the cap is named in the refusal ("maxMessageSize (52428800)")
     * @throws NoSuchFileException when it is missing
     * @throws SpoolFormatException when it is not a regular file or is too large
     * @throws SpoolFileChangedException when it changed while it was read (a writer is still at work)
     */
    static byte[] readRegular(Path p, long max, String limitName) throws IOException {
        Stat before = stat(p);
        String name = p.getFileName().toString();
        if (before == null) {
            throw new NoSuchFileException(p.toString());
        }
        if (!before.regular) {
            throw new SpoolFormatException(name + " is a " + before.kind() + ", not a regular file: not read");
        }
        if (before.size > max) {
            throw new SpoolFormatException(name + " has " + before.size + " bytes, more than " + limitName);
        }
        byte[] b = new byte[(int) before.size];
        try (SeekableByteChannel ch = Files.newByteChannel(p, Set.<OpenOption>of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
            ByteBuffer buf = ByteBuffer.wrap(b);
            while (buf.hasRemaining()) {
                if (ch.read(buf) < 0) {
                    throw new SpoolFileChangedException(name + " became shorter while it was read");
                }
            }
            if (ch.read(ByteBuffer.allocate(1)) > 0) {
                throw new SpoolFileChangedException(name + " grew while it was read");
            }
        } catch (FileSystemException e) {
            if (e instanceof NoSuchFileException) {
                throw e;
            }
            Stat now = stat(p);
            if (now != null && !now.regular) {
                throw new SpoolFormatException(name + " is a " + now.kind() + ", not a regular file: not read");
            }
            throw e;
        }
        Stat after = stat(p);
        if (after == null || !Objects.equals(after.key, before.key) || after.size != before.size || after.mtimeMillis != before.mtimeMillis) {
            throw new SpoolFileChangedException(name + " changed while it was read");
        }
        return b;
    }

    /**
     * Moves {@code from} to {@code to} unless {@code to} exists: a hard link then the removal of the old name (a
     * link never replaces a file), or, where hard links are not possible, a rename after checking that the target
     * is free. Both directories are fsynced.
     *
     * @throws FileAlreadyExistsException when {@code to} exists (nothing moved)
     * @throws NoSuchFileException when {@code from} is gone
     */
    static void moveNoReplace(Path from, Path to) throws IOException {
        try {
            Files.createLink(to, from);
            Files.delete(from);
        } catch (FileAlreadyExistsException | NoSuchFileException e) {
            throw e;
        } catch (UnsupportedOperationException | FileSystemException e) {
            // no hard link possible here (a directory, a file system without them)
            if (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
                throw new FileAlreadyExistsException(to.toString());
            }
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        }
        DurableFiles.syncDirectory(to.getParent());
        DurableFiles.syncDirectory(from.getParent());
    }

    /**
     * Refuses a directory others could write into or replace: {@code dir} must belong to this process's user and
     * not be writable by group or others; every directory above it (as written and as resolved) must belong to this
     * user or root and not be writable by group or others unless it has the sticky bit ({@code /tmp}).
     *
     * @throws IOException naming the directory, what is wrong and the fix
     */
    static void checkDirectory(Path dir) throws IOException {
        int me = processUid();
        if (me < 0) {
            return; // not a system that tells (not Linux)
        }
        Stat s = stat(dir);
        if (s == null || s.uid < 0) {
            return;
        }
        if (s.uid != me) {
            throw new IOException(dir + " is owned by uid " + s.uid + ", not by this process's uid " + me
                    + ": only James's user may own the directory (chown it to that user)");
        }
        if ((s.mode & WRITABLE_BY_GROUP_OR_OTHERS) != 0) {
            throw new IOException(dir + " is writable by group or others (mode " + octal(s.mode) + "): only James's user may write there (chmod go-w "
                    + dir + ")");
        }
        Set<Path> parents = new LinkedHashSet<>(ancestors(dir.toAbsolutePath().normalize()));
        parents.addAll(ancestors(dir.toRealPath()));
        for (Path p : parents) {
            Stat ps = stat(p);
            if (ps == null || ps.uid < 0) {
                continue;
            }
            if (ps.uid != me && ps.uid != 0) {
                throw new IOException("parent " + p + " of " + dir + " is owned by uid " + ps.uid + ", neither this process's uid " + me
                        + " nor root: that user could replace the directory");
            }
            if (!ps.symlink && (ps.mode & WRITABLE_BY_GROUP_OR_OTHERS) != 0 && (ps.mode & STICKY) == 0) {
                throw new IOException("parent " + p + " of " + dir + " is writable by group or others (mode " + octal(ps.mode)
                        + ") without the sticky bit: others could replace the directory (chmod go-w or +t " + p + ")");
            }
        }
    }

    private static List<Path> ancestors(Path p) {
        List<Path> l = new ArrayList<>();
        for (Path q = p.getParent(); q != null; q = q.getParent()) {
            l.add(q);
        }
        return l;
    }

    private static String octal(int mode) {
        return String.format("%04o", mode & 07777);
    }
}
