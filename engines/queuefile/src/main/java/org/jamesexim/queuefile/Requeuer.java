package org.jamesexim.queuefile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Takes messages from an incoming queuefile directory and hands them to a {@link RequeueSink}, exactly once.
 *
 * <p>Protocol (all moves are {@code rename(2)} within one file system, each followed by an fsync of the
 * directories involved):</p>
 * <ol>
 *   <li><b>claim</b>: move the commit file ({@code <id>.json} / {@code <id>-H}) from {@code incoming/} to
 *   {@code incoming/claimed/<node>/}. Only one claimer can win the rename; the data file stays where it is.</li>
 *   <li><b>read</b> the message (complete or nothing: size and sha256 for the James format, id line and
 *   line count for Exim's); an unreadable message goes to {@code failed/} with a {@code <id>.error} note.</li>
 *   <li><b>enqueue</b> under the key {@code queuefile-<id>}.</li>
 *   <li><b>commit</b>: move the commit file from {@code claimed/} to {@code done/}. This rename is the point
 *   after which the message is never enqueued again.</li>
 *   <li><b>clean up</b>: move the data file to {@code done/} (or delete it and the commit file, when
 *   {@code keepDone} is false).</li>
 * </ol>
 * <p>Recovery (the start of every {@link #runOnce()}): a commit file left in {@code claimed/<node>/} means a crash or a
 * temporary sink failure between steps 1 and 4: the message is enqueued again unless
 * {@link RequeueSink#contains} says the sink still holds it, then committed. A commit file in {@code done/}
 * whose data file is still in {@code incoming/} means a crash between 4 and 5: only the clean-up is redone.
 * The one case this cannot decide is a crash after the sink accepted the message and before step 4, when the
 * sink can no longer tell (the message already left it): then the message is delivered twice, never lost.
 * Several requeuers (one per James node) may share one incoming directory, on a shared file system with atomic
 * rename: each claims into its own {@code claimed/<node>/} and recovers only that, so a node's name must stay the
 * same across its restarts. A commit file directly in {@code claimed/} (the layout before node names) is adopted by
 * whichever requeuer renames it into its own directory first.</p>
 *
 * <p>Messages younger than {@code settle} (by the modification time of both files) are left alone, for
 * directories filled by writers that do not publish atomically (Exim's own queuefile transport in copy mode
 * writes {@code -H} first, then {@code -D}). Thread-safe (runs are serialised).</p>
 */
public final class Requeuer {
    public static final String CLAIMED = "claimed";
    public static final String DONE = "done";
    public static final String FAILED = "failed";
    public static final String KEY_PREFIX = "queuefile-";
    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final Path incoming;
    private final Path claimedRoot;
    private final Path claimed;
    private final String node;
    private final Path done;
    private final Path failed;
    private final SpoolFormat format;
    private final RequeueSink sink;
    private final boolean keepDone;
    private final Duration settle;
    private final Clock clock;
    /** done/ is only walked at the first run and after a failed clean-up, not at every scan (it grows with keepDone). */
    private boolean doneChecked;

    private Requeuer(Path incoming, String node, SpoolFormat format, RequeueSink sink, boolean keepDone, Duration settle, Clock clock) {
        this.incoming = incoming;
        this.claimedRoot = incoming.resolve(CLAIMED);
        this.claimed = claimedRoot.resolve(node);
        this.node = node;
        this.done = incoming.resolve(DONE);
        this.failed = incoming.resolve(FAILED);
        this.format = format;
        this.sink = sink;
        this.keepDone = keepDone;
        this.settle = settle;
        this.clock = clock;
    }

    /**
     * Checks the incoming directory (absolute, existing, not a link) and the node name, and creates
     * {@code claimed/<node>/ done/ failed/}.
     */
    public static Requeuer create(Path incoming, String node, SpoolFormat format, RequeueSink sink, boolean keepDone, Duration settle,
                                  Clock clock) throws IOException {
        checkNode(node);
        SpoolDirectory.open(incoming, format);
        if (settle.isNegative()) {
            throw new IllegalArgumentException("settle must not be negative: " + settle);
        }
        for (Path p : List.of(incoming.resolve(CLAIMED), incoming.resolve(CLAIMED).resolve(node), incoming.resolve(DONE), incoming.resolve(FAILED))) {
            if (Files.isSymbolicLink(p)) {
                throw new IOException(p + " is a symbolic link");
            }
            Files.createDirectories(p);
        }
        DurableFiles.syncDirectory(incoming.resolve(CLAIMED));
        DurableFiles.syncDirectory(incoming);
        return new Requeuer(incoming, node, format, sink, keepDone, settle, clock);
    }

    /** A node name: 1 to 64 of {@code [A-Za-z0-9._-]}, starting with a letter or digit (a directory name on any system). */
    public static boolean isNodeName(String node) {
        return node != null && NODE_NAME.matcher(node).matches();
    }

    /** Throws IllegalArgumentException saying what a node name must be, unless {@code node} is one. */
    public static void checkNode(String node) {
        if (!isNodeName(node)) {
            throw new IllegalArgumentException("node '" + node + "' must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    public static String key(String id) {
        return KEY_PREFIX + id;
    }

    /** What one run did. Immutable. */
    public static final class Result {
        private final List<String> requeued;
        private final List<String> recovered;
        private final Map<String, String> failed;
        private final Map<String, String> retrying;

        Result(List<String> requeued, List<String> recovered, Map<String, String> failed, Map<String, String> retrying) {
            this.requeued = List.copyOf(requeued);
            this.recovered = List.copyOf(recovered);
            this.failed = Collections.unmodifiableMap(new LinkedHashMap<>(failed));
            this.retrying = Collections.unmodifiableMap(new LinkedHashMap<>(retrying));
        }

        /** Ids enqueued in this run (including re-enqueued claimed ones). */
        public List<String> requeued() { return requeued; }
        /** Ids found claimed or half cleaned up at the start and finished. */
        public List<String> recovered() { return recovered; }
        /** Ids moved to {@code failed/}, with the reason. */
        public Map<String, String> failed() { return failed; }
        /** Ids left claimed after a temporary sink failure, with the reason. */
        public Map<String, String> retrying() { return retrying; }

        @Override
        public String toString() {
            return "requeued=" + requeued.size() + " recovered=" + recovered.size() + " failed=" + failed.keySet() + " retrying=" + retrying.keySet();
        }
    }

    /** Recovers what a crash left, then requeues every settled committed message of the incoming directory. */
    public synchronized Result runOnce() throws IOException {
        List<String> requeued = new ArrayList<>();
        List<String> recovered = new ArrayList<>();
        Map<String, String> failures = new LinkedHashMap<>();
        Map<String, String> retrying = new LinkedHashMap<>();

        // crash between commit and clean-up: only the clean-up is left
        if (!doneChecked) {
            for (String id : ids(done)) {
                if (Files.exists(incoming.resolve(SpoolDirectory.dataFileName(format, id)), LinkOption.NOFOLLOW_LINKS) || !keepDone) {
                    cleanUp(id);
                    recovered.add(id);
                }
            }
            doneChecked = true;
        }
        // claims of the layout before node names: adopt them (one requeuer wins each rename), then recover them as ours
        for (String id : ids(claimedRoot)) {
            try {
                move(claimedRoot, claimed, SpoolDirectory.commitFileName(format, id));
            } catch (NoSuchFileException e) {
                // another node adopted it
            }
        }
        // crash (or temporary sink failure) between claim and commit
        for (String id : ids(claimed)) {
            recovered.add(id);
            process(id, true, requeued, failures, retrying);
        }
        for (String id : ids(incoming)) {
            if (!settled(id)) {
                continue;
            }
            try {
                move(incoming, claimed, SpoolDirectory.commitFileName(format, id));
            } catch (NoSuchFileException e) {
                continue; // someone else took it
            }
            process(id, false, requeued, failures, retrying);
        }
        return new Result(requeued, recovered, failures, retrying);
    }

    private void process(String id, boolean mayBeEnqueued, List<String> requeued, Map<String, String> failures,
                         Map<String, String> retrying) throws IOException {
        String commitName = SpoolDirectory.commitFileName(format, id);
        String dataName = SpoolDirectory.dataFileName(format, id);
        SpooledMessage m;
        try {
            m = SpoolDirectory.read(format, claimed.resolve(commitName), incoming.resolve(dataName), id);
        } catch (SpoolFormatException e) {
            fail(id, e.getMessage(), failures);
            return;
        }
        String key = key(id);
        try {
            if (!(mayBeEnqueued && sink.contains(key))) {
                sink.enqueue(key, m);
                requeued.add(id);
            }
        } catch (RequeueSink.PermanentFailure e) {
            fail(id, e.getMessage(), failures);
            return;
        } catch (Exception e) {
            retrying.put(id, String.valueOf(e.getMessage()));
            return;
        }
        move(claimed, done, commitName);
        doneChecked = false; // until the clean-up below has succeeded
        cleanUp(id);
        doneChecked = true;
    }

    private void cleanUp(String id) throws IOException {
        String dataName = SpoolDirectory.dataFileName(format, id);
        String commitName = SpoolDirectory.commitFileName(format, id);
        if (keepDone) {
            moveIfPresent(incoming, done, dataName);
        } else {
            Files.deleteIfExists(incoming.resolve(dataName));
            DurableFiles.syncDirectory(incoming);
            Files.deleteIfExists(done.resolve(commitName));
            DurableFiles.syncDirectory(done);
        }
    }

    private void fail(String id, String reason, Map<String, String> failures) throws IOException {
        String dataName = SpoolDirectory.dataFileName(format, id);
        DurableFiles.publishReplacing(failed, id + ".error", (reason + "\n").getBytes(StandardCharsets.UTF_8));
        moveIfPresent(incoming, failed, dataName);
        move(claimed, failed, SpoolDirectory.commitFileName(format, id));
        failures.put(id, reason);
    }

    private boolean settled(String id) throws IOException {
        if (settle.isZero()) {
            return true;
        }
        long limit = clock.millis() - settle.toMillis();
        for (String name : List.of(SpoolDirectory.commitFileName(format, id), SpoolDirectory.dataFileName(format, id))) {
            try {
                FileTime t = Files.getLastModifiedTime(incoming.resolve(name), LinkOption.NOFOLLOW_LINKS);
                if (t.toMillis() > limit) {
                    return false;
                }
            } catch (NoSuchFileException e) {
                return false; // data file not there yet
            }
        }
        return true;
    }

    private List<String> ids(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .map(p -> SpoolDirectory.idOfCommitFile(format, p.getFileName().toString()))
                    .filter(id -> id != null).sorted().collect(Collectors.toList());
        }
    }

    /** Moves a data file unless it is gone: another node may be finishing the same clean-up of done/. */
    private static void moveIfPresent(Path from, Path to, String name) throws IOException {
        if (Files.exists(from.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
            try {
                move(from, to, name);
            } catch (NoSuchFileException e) {
                // taken between the check and the rename
            }
        }
    }

    private static void move(Path from, Path to, String name) throws IOException {
        try {
            Files.move(from.resolve(name), to.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + from.resolve(name) + " to " + to + " atomically; keep the directory on one file system", e);
        }
        DurableFiles.syncDirectory(to);
        DurableFiles.syncDirectory(from);
    }

    public Path incoming() {
        return incoming;
    }

    /** This requeuer's node name: its claims are in {@code claimed/<node>/}. */
    public String node() {
        return node;
    }

    public SpoolFormat format() {
        return format;
    }

    /** For tests and tools: the time source. */
    Clock clock() {
        return clock;
    }

    /** For tests and tools: how old a message must be before it is taken. */
    public Duration settle() {
        return settle;
    }
}
