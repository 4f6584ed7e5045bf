package org.jamesexim.queuefile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Crash-safe file publication: write under a temporary dot-name, fsync, then link it to its final name
 * (a hard link never replaces an existing file, so two writers cannot overwrite each other), remove the
 * temporary name. Readers ignore names starting with a dot. Files are created 0600.
 */
final class DurableFiles {
    static final String TEMP_PREFIX = ".tmp-";
    private static final Set<PosixFilePermission> MODE_0600 = PosixFilePermissions.fromString("rw-------");

    private DurableFiles() {
    }

    /**
     * Publishes {@code parts} as {@code dir/finalName}; on return the file's bytes are on disk (the directory
     * entry needs {@link #syncDirectory}).
     *
     * @throws FileAlreadyExistsException when {@code finalName} exists (nothing is changed then)
     */
    static void publish(Path dir, String finalName, byte[]... parts) throws IOException {
        publish(dir, finalName, SpoolFileAccess.DEFAULT, parts);
    }

    /** {@link #publish(Path, String, byte[]...)} with the file given {@code access} (mode, group) before it is linked. */
    static void publish(Path dir, String finalName, SpoolFileAccess access, byte[]... parts) throws IOException {
        Path tmp = dir.resolve(TEMP_PREFIX + finalName + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            try (FileChannel ch = FileChannel.open(tmp, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), mode0600(dir))) {
                for (byte[] part : parts) {
                    ByteBuffer b = ByteBuffer.wrap(part);
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                }
                ch.force(true);
            }
            if (access != SpoolFileAccess.DEFAULT) {
                access.apply(tmp);
            }
            Path target = dir.resolve(finalName);
            try {
                Files.createLink(target, tmp);
            } catch (UnsupportedOperationException e) {
                // no hard links on this file system: rename, after checking that nothing would be replaced
                if (Files.exists(target)) {
                    throw new FileAlreadyExistsException(target.toString());
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes {@code dir/name} durably, replacing an existing file (for notes such as {@code failed/<id>.error}). */
    static void publishReplacing(Path dir, String name, byte[] content) throws IOException {
        Path tmp = dir.resolve(TEMP_PREFIX + name + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            try (FileChannel ch = FileChannel.open(tmp, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), mode0600(dir))) {
                ByteBuffer b = ByteBuffer.wrap(content);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static FileAttribute<?>[] mode0600(Path dir) {
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(MODE_0600)};
        }
        return new FileAttribute<?>[0];
    }

    /** fsync of the directory, so that new, renamed and removed entries survive a crash (Linux; a no-op elsewhere). */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
                return;
            }
            throw e;
        }
    }
}
