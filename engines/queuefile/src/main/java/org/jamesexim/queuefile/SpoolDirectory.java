package org.jamesexim.queuefile;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import org.jamesexim.common.LogText;

/**
 * One queuefile directory in one format: writes messages crash-safely and reads complete ones.
 *
 * <p>Write order (both formats): the message/{@code -D} file under a temporary dot-name, fsync, hard-linked to
 * its final name; then the envelope/{@code -H} file the same way; then an fsync of the directory. The
 * envelope/{@code -H} name appearing is the commit: readers list only those names, so a half-written message
 * is never seen, and a crash before the commit leaves at most an orphan data file (Exim itself ignores a
 * {@code -D} without {@code -H}). Files are 0600 (or {@link #withAccess}: 0640, 0660 and a group). Names are generated ({@code [0-9A-Za-z-]} only) and checked
 * on reading, so nothing can point outside the directory.</p>
 *
 * <p>Thread-safe: any number of threads may write concurrently.</p>
 */
public final class SpoolDirectory {
    private static final Pattern JAMES_ID = Pattern.compile("[0-9A-Za-z][0-9A-Za-z-]{0,63}");
    private static final int MAX_ID_COLLISIONS = 100;

    private final Path dir;
    private final SpoolFormat format;
    private final EximMessageIds eximIds;
    private final String login;
    private final long uid;
    private final long gid;
    private final SpoolFileAccess access;
    private final JamesEnvelopeCodec jsonCodec = new JamesEnvelopeCodec();
    private final EximSpoolCodec eximCodec = new EximSpoolCodec();

    private SpoolDirectory(Path dir, SpoolFormat format, EximMessageIds eximIds) throws IOException {
        this(dir, format, eximIds, SpoolFileAccess.DEFAULT);
    }

    private SpoolDirectory(Path dir, SpoolFormat format, EximMessageIds eximIds, SpoolFileAccess access) throws IOException {
        this.access = access;
        this.dir = dir;
        this.format = format;
        this.eximIds = eximIds;
        this.login = System.getProperty("user.name", "james").replaceAll("\\s", "_");
        Object u;
        Object g;
        try {
            u = Files.getAttribute(dir, "unix:uid");
            g = Files.getAttribute(dir, "unix:gid");
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            u = 0;
            g = 0;
        }
        this.uid = ((Number) u).longValue();
        this.gid = ((Number) g).longValue();
    }

    /**
     * Opens an existing directory.
     *
     * @throws IOException naming the path when it is relative, missing, a symbolic link or not a directory
     */
    public static SpoolDirectory open(Path dir, SpoolFormat format, EximMessageIds.Length idLength) throws IOException {
        if (!dir.isAbsolute()) {
            throw new IOException("queuefile directory " + dir + " is not absolute");
        }
        if (Files.isSymbolicLink(dir)) {
            throw new IOException("queuefile directory " + dir + " is a symbolic link; name the real directory");
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("queuefile directory " + dir + " does not exist or is not a directory");
        }
        if (!Files.isWritable(dir) || !Files.isExecutable(dir)) {
            throw new IOException("queuefile directory " + dir + " is not writable by this process");
        }
        return new SpoolDirectory(dir, format, new EximMessageIds(idLength));
    }

    public static SpoolDirectory open(Path dir, SpoolFormat format) throws IOException {
        return open(dir, format, EximMessageIds.Length.SHORT);
    }

    /**
     * Refuses a directory that others could write into or replace (see docs/queuefile.md, "Who can write"): it
     * must belong to this process's user and not be writable by group or others, and every directory above it must
     * belong to this user or root and not be writable by group or others unless it has the sticky bit. Used by the
     * writer ({@code QueueFile}) and the {@link Requeuer} at start; reading tools (the CLI) do not need it.
     *
     * @throws IOException naming the path, what is wrong and the fix
     */
    public static void checkSafe(Path dir) throws IOException {
        SafeFiles.checkDirectory(dir);
    }

    /** This directory, its files written with {@code access} (mode and group: {@code fileMode}, {@code fileGroup}). */
    public SpoolDirectory withAccess(SpoolFileAccess access) throws IOException {
        return new SpoolDirectory(dir, format, eximIds, java.util.Objects.requireNonNull(access, "access"));
    }

    /** The mode and group of the files written. */
    public SpoolFileAccess access() {
        return access;
    }

    public Path directory() {
        return dir;
    }

    public SpoolFormat format() {
        return format;
    }

    /** The file whose appearance commits a message: {@code <id>.json} or {@code <id>-H}. */
    public static String commitFileName(SpoolFormat format, String id) {
        return format == SpoolFormat.JAMES ? id + ".json" : id + "-H";
    }

    /** The message file: {@code <id>.eml} or {@code <id>-D}. */
    public static String dataFileName(SpoolFormat format, String id) {
        return format == SpoolFormat.JAMES ? id + ".eml" : id + "-D";
    }

    /** The id in a commit file name, or null if the name is not one this format writes. */
    public static String idOfCommitFile(SpoolFormat format, String fileName) {
        String id;
        if (format == SpoolFormat.JAMES) {
            if (!fileName.endsWith(".json")) {
                return null;
            }
            id = fileName.substring(0, fileName.length() - 5);
        } else {
            if (!fileName.endsWith("-H")) {
                return null;
            }
            id = fileName.substring(0, fileName.length() - 2);
        }
        return isValidId(format, id) ? id : null;
    }

    public static boolean isValidId(SpoolFormat format, String id) {
        return id != null && (format == SpoolFormat.EXIM ? EximMessageIds.isValid(id) : JAMES_ID.matcher(id).matches());
    }

    /**
     * Writes a message; returns its id once it is committed and on disk.
     *
     * @throws IOException when it cannot be written (nothing is committed then), also when the message is beyond
     * a cap of {@link SpoolLimits} that a reader would refuse (an error message longer than the cap is cut instead)
     */
    public String write(SpooledMessage m) throws IOException {
        m = withinLimits(m);
        for (int attempt = 0; attempt < MAX_ID_COLLISIONS; attempt++) {
            String id = format == SpoolFormat.EXIM ? eximIds.next() : newJamesId();
            try {
                if (format == SpoolFormat.JAMES) {
                    writeJames(id, m);
                } else {
                    writeExim(id, m);
                }
                DurableFiles.syncDirectory(dir);
                return id;
            } catch (FileAlreadyExistsException e) {
                // another writer holds this id: take the next one (nothing of ours was committed)
            }
        }
        throw new IOException("could not find a free message id in " + dir + " after " + MAX_ID_COLLISIONS + " attempts");
    }

    private static SpooledMessage withinLimits(SpooledMessage m) throws IOException {
        SpoolEnvelope e = m.envelope();
        if (e.errorMessage() != null && e.errorMessage().length() > SpoolLimits.MAX_ERROR_MESSAGE_CHARS) {
            e = e.toBuilder().errorMessage(e.errorMessage().substring(0, SpoolLimits.MAX_ERROR_MESSAGE_CHARS - 20) + "\u2026(cut)").build();
            m = new SpooledMessage(m.id(), e, m.content());
        }
        try {
            SpoolLimits.check(e);
        } catch (IllegalArgumentException ex) {
            throw new IOException("the mail cannot be spooled: " + LogText.escape(ex.getMessage(), SpoolLimits.MAX_REASON_CHARS));
        }
        return m;
    }

    /** The writer refuses what the reader would refuse: it parses its own envelope file once before publishing it. */
    private static void readable(SpoolFormatCheck check) throws IOException {
        try {
            check.run();
        } catch (SpoolFormatException e) {
            throw new IOException("the mail cannot be spooled: " + e.getMessage(), e);
        }
    }

    private interface SpoolFormatCheck {
        void run() throws SpoolFormatException;
    }

    private String newJamesId() {
        UUID u = UUID.randomUUID();
        return EximMessageIds.base62(Clock.systemUTC().millis(), 8) + "-" + EximMessageIds.base62(u.getMostSignificantBits() >>> 2, 11)
                + EximMessageIds.base62(u.getLeastSignificantBits() >>> 2, 11);
    }

    private void writeJames(String id, SpooledMessage m) throws IOException {
        byte[] content = m.content();
        byte[] env = jsonCodec.encode(m.envelope(), id, dataFileName(SpoolFormat.JAMES, id), content.length, sha256(content));
        readable(() -> jsonCodec.decode(env, commitFileName(SpoolFormat.JAMES, id)));
        DurableFiles.publish(dir, dataFileName(SpoolFormat.JAMES, id), access, content);
        try {
            DurableFiles.publish(dir, commitFileName(SpoolFormat.JAMES, id), access, env);
        } catch (IOException e) {
            Files.deleteIfExists(dir.resolve(dataFileName(SpoolFormat.JAMES, id)));
            throw e;
        }
    }

    private void writeExim(String id, SpooledMessage m) throws IOException {
        EximSpoolCodec.Pair p;
        try {
            p = eximCodec.encode(m, id, login, uid, gid);
        } catch (IllegalArgumentException e) {
            throw new IOException("the mail cannot be spooled in the Exim format: " + LogText.escape(e.getMessage(), SpoolLimits.MAX_REASON_CHARS), e);
        }
        byte[] header = p.header().toBytes();
        readable(() -> EximHeaderFile.parse(header, id));
        DurableFiles.publish(dir, dataFileName(SpoolFormat.EXIM, id), access, p.dataFile());
        try {
            DurableFiles.publish(dir, commitFileName(SpoolFormat.EXIM, id), access, header);
        } catch (IOException e) {
            Files.deleteIfExists(dir.resolve(dataFileName(SpoolFormat.EXIM, id)));
            throw e;
        }
    }

    /** Ids of the committed messages, oldest name first. */
    public List<String> committedIds() throws IOException {
        List<String> ids = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String id = idOfCommitFile(format, p.getFileName().toString());
                if (id != null) {
                    ids.add(id);
                }
            }
        }
        Collections.sort(ids);
        return ids;
    }

    /** Reads a committed message from this directory. */
    public SpooledMessage read(String id) throws IOException {
        return read(format, dir.resolve(checkedCommitName(id)), dir.resolve(dataFileName(format, id)), id);
    }

    private String checkedCommitName(String id) {
        if (!isValidId(format, id)) {
            throw new IllegalArgumentException("not a " + format.configName() + " spool id: " + LogText.quote(id));
        }
        return commitFileName(format, id);
    }

    /**
     * Reads a message from an explicit commit file and data file (the requeuer moves the commit file while it
     * works), data file at most {@link SpoolLimits#DEFAULT_MAX_MESSAGE_SIZE}.
     */
    public static SpooledMessage read(SpoolFormat format, Path commitFile, Path dataFile, String id) throws IOException {
        return read(format, commitFile, dataFile, id, SpoolLimits.DEFAULT_MAX_MESSAGE_SIZE);
    }

    /**
     * Reads a message from an explicit commit file and data file. Complete or nothing: a missing file, a file that
     * is not a regular file (a symbolic link is never followed, a FIFO never opened), a file larger than its cap, a
     * size/checksum mismatch, an envelope naming another id or another data file, or a format error is a
     * {@link SpoolFormatException}; a file that changes while it is read is a {@link SpoolFileChangedException}.
     */
    public static SpooledMessage read(SpoolFormat format, Path commitFile, Path dataFile, String id, long maxMessageSize) throws IOException {
        if (!isValidId(format, id)) {
            throw new IllegalArgumentException("not a " + format.configName() + " spool id: " + LogText.quote(id));
        }
        byte[] commit;
        try {
            commit = SafeFiles.readRegular(commitFile, SpoolLimits.MAX_ENVELOPE_BYTES, "the envelope limit of " + SpoolLimits.MAX_ENVELOPE_BYTES);
        } catch (NoSuchFileException e) {
            throw new SpoolFormatException("message " + id + ": " + commitFile.getFileName() + " is missing");
        }
        byte[] data;
        try {
            data = SafeFiles.readRegular(dataFile, maxMessageSize, "maxMessageSize (" + maxMessageSize + ")");
        } catch (NoSuchFileException e) {
            throw new SpoolFormatException("message " + id + ": " + dataFile.getFileName() + " is missing");
        }
        if (format == SpoolFormat.JAMES) {
            JamesEnvelopeCodec.Decoded d = new JamesEnvelopeCodec().decode(commit, commitFile.getFileName().toString());
            if (!id.equals(d.id())) {
                throw new SpoolFormatException("message " + id + ": " + commitFile.getFileName() + " names the id " + LogText.quote(d.id()));
            }
            if (d.messageFile() != null && !d.messageFile().equals(dataFileName(format, id))) {
                throw new SpoolFormatException("message " + id + ": " + commitFile.getFileName() + " names the message file " + LogText.quote(d.messageFile()));
            }
            if (d.size() != data.length) {
                throw new SpoolFormatException("message " + id + ": " + dataFile.getFileName() + " has " + data.length + " bytes, the envelope says " + d.size());
            }
            if (d.sha256() == null) {
                throw new SpoolFormatException("message " + id + ": " + commitFile.getFileName() + " has no sha256 of the message");
            }
            if (!d.sha256().equals(sha256(data))) {
                throw new SpoolFormatException("message " + id + ": " + dataFile.getFileName() + " does not match the envelope's sha256");
            }
            return new SpooledMessage(id, d.envelope(), data);
        }
        EximHeaderFile h = EximHeaderFile.parse(commit, id);
        return new EximSpoolCodec().decode(h, data);
    }

    /** Parses the {@code -H} file of an Exim-format message (for listing and diagnostics). */
    public EximHeaderFile readEximHeader(String id) throws IOException {
        if (format != SpoolFormat.EXIM) {
            throw new IllegalStateException("not an Exim-format directory: " + dir);
        }
        Path f = dir.resolve(checkedCommitName(id));
        return EximHeaderFile.parse(SafeFiles.readRegular(f, SpoolLimits.MAX_ENVELOPE_BYTES, "the envelope limit of " + SpoolLimits.MAX_ENVELOPE_BYTES), id);
    }

    static String sha256(byte[] data) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(data);
            StringBuilder sb = new StringBuilder(64);
            for (byte b : h) {
                sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
