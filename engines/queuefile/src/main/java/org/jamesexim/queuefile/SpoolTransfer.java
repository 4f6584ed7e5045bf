package org.jamesexim.queuefile;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.jamesexim.common.LogText;

/**
 * An operator's hand on a queuefile directory (WebAdmin's {@code /queuefile} routes): hand a message to the
 * incoming directory as the scanner would, or delete it. Both keep the directory's rule that a message exists once
 * its commit file ({@code .json}/{@code -H}) does: a move renames the data file first and the commit file last, a
 * delete removes the commit file first. Renames only (the two directories on one file system), never replacing a
 * file already there.
 */
public final class SpoolTransfer {
    private SpoolTransfer() {
    }

    /**
     * Moves message {@code id} from {@code from} into {@code to} (data file, then commit file), where the requeuer
     * takes it at its next scan.
     *
     * @throws NoSuchFileException when {@code from} holds no committed message {@code id}
     * @throws IOException when the formats differ, {@code to} already has that id, or a rename fails (the reason
     * says which; a data file already moved is moved back)
     */
    public static void move(SpoolDirectory from, String id, SpoolDirectory to) throws IOException {
        if (from.format() != to.format()) {
            throw new IOException("the incoming directory takes the " + to.format().configName() + " format, this one holds "
                + from.format().configName());
        }
        Path commit = commitFile(from, id);
        Path data = from.directory().resolve(SpoolDirectory.dataFileName(from.format(), id));
        Path toCommit = to.directory().resolve(commit.getFileName().toString());
        Path toData = to.directory().resolve(data.getFileName().toString());
        if (Files.exists(toCommit) || Files.exists(toData)) {
            throw new IOException("the incoming directory already has a message " + id);
        }
        rename(data, toData);
        try {
            rename(commit, toCommit);
        } catch (IOException e) {
            try {
                rename(toData, data);
            } catch (IOException ignored) {
                // reported below with the first failure
            }
            throw e;
        }
        DurableFiles.syncDirectory(to.directory());
        DurableFiles.syncDirectory(from.directory());
    }

    /**
     * Deletes message {@code id} of {@code dir}: the commit file first (from then on it is no message), then the data file.
     *
     * @throws NoSuchFileException when {@code dir} holds no committed message {@code id}
     */
    public static void delete(SpoolDirectory dir, String id) throws IOException {
        Files.delete(commitFile(dir, id));
        Files.deleteIfExists(dir.directory().resolve(SpoolDirectory.dataFileName(dir.format(), id)));
    }

    /** True when {@code dir} holds a committed message {@code id} (its commit file is there). */
    public static boolean committed(SpoolDirectory dir, String id) {
        return SpoolDirectory.isValidId(dir.format(), id)
            && Files.isRegularFile(dir.directory().resolve(SpoolDirectory.commitFileName(dir.format(), id)), java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    private static Path commitFile(SpoolDirectory dir, String id) throws IOException {
        if (!SpoolDirectory.isValidId(dir.format(), id)) {
            throw new NoSuchFileException("not a " + dir.format().configName() + " spool id: " + LogText.quote(id));
        }
        Path commit = dir.directory().resolve(SpoolDirectory.commitFileName(dir.format(), id));
        if (!Files.isRegularFile(commit, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException("no message " + id + " in " + dir.directory());
        }
        return commit;
    }

    private static void rename(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + from + " to " + to + ": not on one file system", e);
        }
    }
}
