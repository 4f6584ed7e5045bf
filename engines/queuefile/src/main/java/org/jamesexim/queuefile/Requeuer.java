package org.jamesexim.queuefile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.jamesexim.common.LogText;

/**
 * Takes messages from an incoming queuefile directory and hands them to a {@link RequeueSink}, exactly once.
 *
 * <p>Protocol (each move is followed by an fsync of the directories involved):</p>
 * <ol>
 *   <li><b>check</b> the commit file ({@code <id>.json} / {@code <id>-H}) and its data file in {@code incoming/}
 *   without following links: both regular files, one link each, of James's user (or root), within their size caps,
 *   older than {@code settle}; the id not already claimed by this node nor in {@code done/}. A file that fails a
 *   check goes to {@code failed/} with a {@code <id>.error} note (a commit file without its data file, or a file
 *   with a second link, waits instead: a writer is still at work);</li>
 *   <li><b>claim</b>: rename the commit file to {@code incoming/claimed/<node>/}. Only one claimer can win the
 *   rename; the data file stays where it is;</li>
 *   <li><b>read</b> the message (complete or nothing: size and sha256 for the James format, id line and line count
 *   for Exim's, every parser capped, see {@link SpoolLimits}); an unreadable message goes to {@code failed/};</li>
 *   <li><b>believe</b> only what {@link RequeueSettings#trustEnvelope()} allows ({@link EnvelopeTrust});</li>
 *   <li><b>enqueue</b> under the key {@code queuefile-<id>};</li>
 *   <li><b>commit</b>: move the commit file from {@code claimed/<node>/} to {@code done/} without replacing
 *   anything (a hard link, then the old name removed). After this the message is never enqueued again;</li>
 *   <li><b>clean up</b>: move the data file to {@code done/} (or delete it and the commit file, when
 *   {@code keepDone} is false).</li>
 * </ol>
 * <p>Recovery (the start of every {@link #runOnce()}): a commit file left in {@code claimed/<node>/} means a crash or a
 * temporary failure between steps 2 and 6: the message is enqueued again unless {@link RequeueSink#contains} says
 * the sink still holds it, then committed. A commit file in {@code done/} whose data file is still in
 * {@code incoming/} means a crash between 6 and 7: only the clean-up is redone. The one case this cannot decide is a
 * crash after the sink accepted the message and before step 6, when the sink can no longer tell (the message
 * already left it): then the message is delivered twice, never lost. Several requeuers (one per James node) may share
 * one incoming directory, on a shared file system with atomic rename: each claims into its own
 * {@code claimed/<node>/} and recovers only that, so a node's name must stay the same across its restarts. A
 * commit file directly in {@code claimed/} (the layout before node names) is adopted by whichever requeuer renames
 * it into its own directory first.</p>
 *
 * <p>Nothing is ever overwritten: a second commit file for an id this node has claimed or already requeued goes
 * to {@code failed/} (under a name with a {@code .N} suffix when the plain one is taken). A scan takes at most
 * {@link RequeueSettings#maxPerScan()} messages and looks at no more than {@link SpoolLimits#EXAMINED_PER_TAKEN}
 * times as many commit files; a failure with one message (even an unusable {@code failed/}) leaves it where it is,
 * reported as retrying, and the scan goes on. Each refusal and each wait is reported once. Thread-safe (runs are
 * serialised).</p>
 */
public final class Requeuer {
    public static final String CLAIMED = "claimed";
    public static final String DONE = "done";
    public static final String FAILED = "failed";
    public static final String KEY_PREFIX = "queuefile-";
    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final int MAX_FAILED_SUFFIX = 1000;
    private static final int REPORTED_WAITING = 10_000;
    /** The most files of {@code done/} one prune looks at, and deletes. */
    public static final int MAX_PRUNE_LOOKED_AT = 10_000;
    public static final int MAX_PRUNE_DELETED = 1_000;
    /** How often {@code done/} is pruned at most (a walk of done/ is not made at every scan). */
    public static final Duration PRUNE_EVERY = Duration.ofMinutes(1);

    private final Path incoming;
    private final Path claimedRoot;
    private final Path claimed;
    private final String node;
    private final Path done;
    private final Path failed;
    private final SpoolFormat format;
    private final RequeueSink sink;
    private final RequeueSettings settings;
    private long nextPrune = Long.MIN_VALUE;
    /** done/ is only walked at the first run and after a failed clean-up, not at every scan (it grows with keepDone). */
    private boolean doneChecked;
    /** Ids reported as waiting, with the reason (so that each wait is reported once). */
    private final Map<String, String> reportedWaiting = new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > REPORTED_WAITING;
        }
    };

    private Requeuer(Path incoming, String node, SpoolFormat format, RequeueSink sink, RequeueSettings settings) {
        this.incoming = incoming;
        this.claimedRoot = incoming.resolve(CLAIMED);
        this.claimed = claimedRoot.resolve(node);
        this.node = node;
        this.done = incoming.resolve(DONE);
        this.failed = incoming.resolve(FAILED);
        this.format = format;
        this.sink = sink;
        this.settings = settings;
    }

    /** {@link #create(Path, String, SpoolFormat, RequeueSink, RequeueSettings)} with the other settings at their defaults. */
    public static Requeuer create(Path incoming, String node, SpoolFormat format, RequeueSink sink, boolean keepDone, Duration settle,
                                  Clock clock) throws IOException {
        return create(incoming, node, format, sink, RequeueSettings.builder().keepDone(keepDone).settle(settle).clock(clock).build());
    }

    /**
     * Checks the incoming directory (absolute, existing, not a link, owned by this process's user, not writable by
     * group or others, nor its parents: {@link SpoolDirectory#checkSafe}) and the node name, and creates
     * {@code claimed/<node>/ done/ failed/}.
     *
     * @throws IOException naming the path when the directory is unsafe or unusable
     */
    public static Requeuer create(Path incoming, String node, SpoolFormat format, RequeueSink sink, RequeueSettings settings) throws IOException {
        checkNode(node);
        SpoolDirectory.open(incoming, format);
        SpoolDirectory.checkSafe(incoming);
        Requeuer r = new Requeuer(incoming, node, format, sink, settings);
        r.ensureDirectories(true);
        DurableFiles.syncDirectory(r.claimedRoot);
        DurableFiles.syncDirectory(incoming);
        return r;
    }

    /** A node name: 1 to 64 of {@code [A-Za-z0-9._-]}, starting with a letter or digit (a directory name on any system). */
    public static boolean isNodeName(String node) {
        return node != null && NODE_NAME.matcher(node).matches();
    }

    /** Throws IllegalArgumentException saying what a node name must be, unless {@code node} is one. */
    public static void checkNode(String node) {
        if (!isNodeName(node)) {
            throw new IllegalArgumentException("node " + LogText.quote(node) + " must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    public static String key(String id) {
        return KEY_PREFIX + id;
    }

    /** What one run did. Immutable; every reason is safe to log (escaped, capped). */
    public static final class Result {
        private final List<String> requeued;
        private final List<String> recovered;
        private final Map<String, String> failed;
        private final Map<String, String> retrying;
        private final Map<String, String> waiting;

        Result(List<String> requeued, List<String> recovered, Map<String, String> failed, Map<String, String> retrying, Map<String, String> waiting) {
            this.requeued = List.copyOf(requeued);
            this.recovered = List.copyOf(recovered);
            this.failed = Collections.unmodifiableMap(new LinkedHashMap<>(failed));
            this.retrying = Collections.unmodifiableMap(new LinkedHashMap<>(retrying));
            this.waiting = Collections.unmodifiableMap(new LinkedHashMap<>(waiting));
        }

        /** Ids enqueued in this run (including re-enqueued claimed ones). */
        public List<String> requeued() { return requeued; }
        /** Ids found claimed or half cleaned up at the start and finished. */
        public List<String> recovered() { return recovered; }
        /** Ids moved to {@code failed/} in this run, with the reason. */
        public Map<String, String> failed() { return failed; }
        /** Ids left where they are after a temporary failure (the sink, the disk), with the reason; retried at every scan. */
        public Map<String, String> retrying() { return retrying; }
        /** Ids newly seen waiting (a commit file without its data file, a file with a second link, a frozen message), with the reason; each reported once. */
        public Map<String, String> waiting() { return waiting; }

        @Override
        public String toString() {
            return "requeued=" + requeued.size() + " recovered=" + recovered.size() + " failed=" + failed.keySet() + " retrying=" + retrying.keySet()
                    + " waiting=" + waiting.keySet();
        }
    }

    /** One run's findings and budget. */
    private final class Scan {
        final List<String> requeued = new ArrayList<>();
        final List<String> recovered = new ArrayList<>();
        final Map<String, String> failures = new LinkedHashMap<>();
        final Map<String, String> retrying = new LinkedHashMap<>();
        final Map<String, String> waiting = new LinkedHashMap<>();
        int taken;

        boolean budgetLeft() {
            return taken < settings.maxPerScan();
        }

        void retry(String id, IOException e) {
            retrying.put(id, reason(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            taken++;
        }

        Result result() {
            return new Result(requeued, recovered, failures, retrying, waiting);
        }
    }

    private static String reason(String s) {
        return LogText.escape(s, SpoolLimits.MAX_REASON_CHARS);
    }

    /**
     * Deletes the files of {@code done/} older than {@code doneMaxAge} (by modification time: when the outside
     * program wrote them; a move keeps it), at most {@link #MAX_PRUNE_DELETED} of at most {@link #MAX_PRUNE_LOOKED_AT}
     * looked at, at most every {@link #PRUNE_EVERY} (a call before is a no-op). Only regular files named as this
     * format's files are deleted, and a commit file only when its data file is no longer in {@code incoming/} (a
     * requeue that a crash interrupted is finished first). Once pruned, an id dropped again is requeued again.
     *
     * @return the files deleted (0 when off or not due)
     */
    public synchronized int pruneDone() throws IOException {
        Duration maxAge = settings.doneMaxAge();
        long now = settings.clock().millis();
        if (maxAge == null || now < nextPrune) {
            return 0;
        }
        nextPrune = now + PRUNE_EVERY.toMillis();
        long before = now - maxAge.toMillis();
        int looked = 0;
        int deleted = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(done)) {
            for (Path p : ds) {
                if (looked++ >= MAX_PRUNE_LOOKED_AT || deleted >= MAX_PRUNE_DELETED) {
                    break;
                }
                String name = p.getFileName().toString();
                String commitId = SpoolDirectory.idOfCommitFile(format, name);
                if (commitId == null && !isDataFileName(name)) {
                    continue;
                }
                SafeFiles.Stat st = SafeFiles.stat(p);
                if (st == null || !st.regular || st.mtimeMillis >= before) {
                    continue;
                }
                if (commitId != null && SafeFiles.stat(incoming.resolve(SpoolDirectory.dataFileName(format, commitId))) != null) {
                    continue; // its requeue is not finished: the recovery does it first
                }
                if (Files.deleteIfExists(p)) {
                    deleted++;
                }
            }
        }
        if (deleted > 0) {
            DurableFiles.syncDirectory(done);
        }
        return deleted;
    }

    private boolean isDataFileName(String name) {
        String suffix = SpoolDirectory.dataFileName(format, "");
        return name.endsWith(suffix) && SpoolDirectory.isValidId(format, name.substring(0, name.length() - suffix.length()));
    }

    /** Recovers what a crash left, then requeues settled committed messages of the incoming directory, up to {@code maxPerScan}. */
    public synchronized Result runOnce() throws IOException {
        Scan s = new Scan();
        ensureDirectories(false);
        // crash between commit and clean-up: only the clean-up is left
        if (!doneChecked) {
            for (String id : doneWithDataLeft()) {
                try {
                    cleanUp(id, s);
                    s.recovered.add(id);
                } catch (IOException e) {
                    s.retry(id, e);
                }
            }
            doneChecked = true;
        }
        // claims of the layout before node names: adopt them (one requeuer wins each rename), then recover them as ours
        for (String id : batch(claimedRoot, settings.maxPerScan())) {
            Path f = claimedRoot.resolve(SpoolDirectory.commitFileName(format, id));
            SafeFiles.Stat st = SafeFiles.stat(f);
            if (st == null || st.directory || SafeFiles.stat(claimed.resolve(f.getFileName().toString())) != null) {
                continue; // a node's directory, gone, or a name this node already holds (recovered below, then this one)
            }
            try {
                move(claimedRoot, claimed, f.getFileName().toString());
            } catch (NoSuchFileException e) {
                // another node adopted it
            }
        }
        // crash (or temporary failure) between claim and commit
        for (String id : batch(claimed, settings.maxPerScan())) {
            if (!s.budgetLeft()) {
                break;
            }
            recoverClaim(id, s);
        }
        for (String id : batch(incoming, settings.maxPerScan() * SpoolLimits.EXAMINED_PER_TAKEN)) {
            if (!s.budgetLeft()) {
                break;
            }
            take(id, s);
        }
        return s.result();
    }

    /**
     * Creates {@code claimed/<node>/ done/ failed/} where missing. At start ({@code strict}) a path that is not a
     * directory, or one others could write, is an error; during scans a directory that cannot be made is left out
     * (the moves into it fail and the message waits as retrying).
     */
    private void ensureDirectories(boolean strict) throws IOException {
        for (Path p : List.of(claimedRoot, claimed, done, failed)) {
            SafeFiles.Stat st = SafeFiles.stat(p);
            if (st == null) {
                try {
                    Files.createDirectory(p);
                    DurableFiles.syncDirectory(p.getParent());
                } catch (IOException e) {
                    if (strict) {
                        throw e;
                    }
                }
            } else if (!st.directory) {
                if (strict) {
                    throw new IOException(p + " is a " + st.kind() + ", not a directory");
                }
            } else if (strict) {
                SafeFiles.checkDirectory(p);
            }
        }
    }

    /** Up to {@code max} ids of commit-file names in {@code dir}, sorted; the directory is read as a stream, no file is opened. */
    private List<String> batch(Path dir, int max) throws IOException {
        List<String> ids = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String id = SpoolDirectory.idOfCommitFile(format, p.getFileName().toString());
                if (id != null) {
                    ids.add(id);
                    if (ids.size() >= max) {
                        break;
                    }
                }
            }
        } catch (NoSuchFileException e) {
            return ids;
        }
        Collections.sort(ids);
        return ids;
    }

    /** Commit files in done/ whose data file is still in incoming/ (or, with keepDone=false, any). */
    private List<String> doneWithDataLeft() throws IOException {
        List<String> ids = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(done)) {
            for (Path p : ds) {
                String id = SpoolDirectory.idOfCommitFile(format, p.getFileName().toString());
                if (id != null && (!settings.keepDone() || SafeFiles.stat(incoming.resolve(SpoolDirectory.dataFileName(format, id))) != null)) {
                    ids.add(id);
                }
            }
        } catch (NoSuchFileException e) {
            return ids;
        }
        Collections.sort(ids);
        return ids;
    }

    /** Step 1 and 2 for a commit file in incoming/. */
    private void take(String id, Scan s) {
        String c = SpoolDirectory.commitFileName(format, id);
        String d = SpoolDirectory.dataFileName(format, id);
        try {
            SafeFiles.Stat cs = SafeFiles.stat(incoming.resolve(c));
            if (cs == null) {
                return; // taken by someone else meanwhile
            }
            if (!cs.regular) {
                refuse(id, incoming, false, c + " is a " + cs.kind() + ", not a regular file: not read", s);
                return;
            }
            if (SafeFiles.stat(claimed.resolve(c)) != null) {
                refuse(id, incoming, false, "id " + id + " is already claimed by this node (being requeued): this second " + c + " was moved aside", s);
                return;
            }
            if (SafeFiles.stat(done.resolve(c)) != null) {
                refuse(id, incoming, true, "id " + id + " was already requeued (" + DONE + "/" + c + "): this second copy was moved aside, nothing was replaced", s);
                return;
            }
            SafeFiles.Stat ds = SafeFiles.stat(incoming.resolve(d));
            if (ds == null) {
                waiting(id, "no data file " + d + " yet", s);
                return;
            }
            if (!ds.regular) {
                refuse(id, incoming, true, d + " is a " + ds.kind() + ", not a regular file: not read", s);
                return;
            }
            String refusal = ownerOrSize(c, cs, SpoolLimits.MAX_ENVELOPE_BYTES, "the envelope limit of " + SpoolLimits.MAX_ENVELOPE_BYTES);
            if (refusal == null) {
                refusal = ownerOrSize(d, ds, settings.maxMessageSize(), "maxMessageSize (" + settings.maxMessageSize() + ")");
            }
            if (refusal != null) {
                refuse(id, incoming, true, refusal, s);
                return;
            }
            String links = links(id, c, cs, d, ds);
            if (links != null) {
                waiting(id, links, s);
                return;
            }
            if (!settled(cs, ds)) {
                return;
            }
            try {
                move(incoming, claimed, c);
            } catch (NoSuchFileException e) {
                return; // someone else took it
            }
            process(id, false, s);
        } catch (IOException e) {
            s.retry(id, e);
        }
    }

    /** A claim left in claimed/&lt;node&gt;/ by a crash or a temporary failure. */
    private void recoverClaim(String id, Scan s) {
        String c = SpoolDirectory.commitFileName(format, id);
        try {
            SafeFiles.Stat cs = SafeFiles.stat(claimed.resolve(c));
            if (cs == null) {
                return;
            }
            s.recovered.add(id);
            SafeFiles.Stat dn = SafeFiles.stat(done.resolve(c));
            if (dn != null) {
                if (dn.sameFile(cs)) {
                    // killed inside the commit (linked to done/, old name not yet removed): finish it
                    Files.delete(claimed.resolve(c));
                    DurableFiles.syncDirectory(claimed);
                    doneChecked = false;
                    cleanUp(id, s);
                    doneChecked = true;
                    s.taken++;
                    return;
                }
                refuse(id, claimed, false, "id " + id + " was already requeued (" + DONE + "/" + c + "): this claim was moved aside", s);
                return;
            }
            if (!cs.regular) {
                refuse(id, claimed, false, c + " is a " + cs.kind() + ", not a regular file: not read", s);
                return;
            }
            process(id, true, s);
        } catch (IOException e) {
            s.retry(id, e);
        }
    }

    /** Steps 3 to 7 for a claimed commit file. */
    private void process(String id, boolean mayBeEnqueued, Scan s) throws IOException {
        String c = SpoolDirectory.commitFileName(format, id);
        String d = SpoolDirectory.dataFileName(format, id);
        SafeFiles.Stat cs = SafeFiles.stat(claimed.resolve(c));
        SafeFiles.Stat ds = SafeFiles.stat(incoming.resolve(d));
        if (cs == null) {
            return;
        }
        if (ds != null && ds.regular) {
            // the checks of step 1 again: a recovered claim was not checked in this run, and files can change
            String refusal = ownerOrSize(c, cs, SpoolLimits.MAX_ENVELOPE_BYTES, "the envelope limit of " + SpoolLimits.MAX_ENVELOPE_BYTES);
            if (refusal == null) {
                refusal = ownerOrSize(d, ds, settings.maxMessageSize(), "maxMessageSize (" + settings.maxMessageSize() + ")");
            }
            if (refusal != null) {
                refuse(id, claimed, true, refusal, s);
                return;
            }
            String links = links(id, c, cs, d, ds);
            if (links != null) {
                s.retrying.put(id, reason(links));
                s.taken++;
                return;
            }
        }
        SpooledMessage m;
        try {
            m = SpoolDirectory.read(format, claimed.resolve(c), incoming.resolve(d), id, settings.maxMessageSize());
            m = new SpooledMessage(id, EnvelopeTrust.apply(m.envelope(), settings), m.content(), m.frozen());
        } catch (SpoolFileChangedException e) {
            s.retry(id, e);
            return;
        } catch (SpoolFormatException e) {
            refuse(id, claimed, true, e.getMessage(), s);
            return;
        }
        if (m.frozen()) {
            hold(id, c, s);
            return;
        }
        reportedWaiting.remove(id);
        String key = key(id);
        try {
            if (!(mayBeEnqueued && sink.contains(key))) {
                sink.enqueue(key, m);
                s.requeued.add(id);
            }
        } catch (RequeueSink.PermanentFailure e) {
            refuse(id, claimed, true, String.valueOf(e.getMessage()), s);
            return;
        } catch (Exception e) {
            s.retrying.put(id, reason(String.valueOf(e.getMessage())));
            s.taken++;
            return;
        }
        try {
            SafeFiles.moveNoReplace(claimed.resolve(c), done.resolve(c));
        } catch (FileAlreadyExistsException e) {
            refuse(id, claimed, false, "id " + id + " was requeued by another node at the same time (" + DONE + "/" + c
                    + " appeared meanwhile): this copy was enqueued as well and moved aside", s);
            return;
        }
        s.taken++;
        doneChecked = false; // until the clean-up below has succeeded
        cleanUp(id, s);
        doneChecked = true;
    }

    /** Why a file may not be read (owner, size), or null. */
    private static String ownerOrSize(String name, SafeFiles.Stat st, long max, String limitName) {
        if (!SafeFiles.trustedOwner(st.uid)) {
            return name + " is owned by uid " + st.uid + ", neither James's user (uid " + SafeFiles.processUid() + ") nor root: not read";
        }
        if (st.size > max) {
            return name + " has " + st.size + " bytes, more than " + limitName + ": not read";
        }
        return null;
    }

    /**
     * Why a message must wait because one of its files has a second link, or null. Names left by our own writer
     * (a {@code .tmp-} name of a writer killed between linking and removing it) are removed first.
     */
    private String links(String id, String c, SafeFiles.Stat cs, String d, SafeFiles.Stat ds) throws IOException {
        if (cs.nlink <= 1 && ds.nlink <= 1) {
            return null;
        }
        String reported = reportedWaiting.get(id);
        int cl = cs.nlink;
        int dl = ds.nlink;
        if (reported == null || !reported.contains("links")) {
            cl -= releaseWriterTempLinks(cs);
            dl -= releaseWriterTempLinks(ds);
        }
        if (cl > 1) {
            return c + " has " + cl + " links (another name for the same file exists): waiting until it is the only one";
        }
        if (dl > 1) {
            return d + " has " + dl + " links (another name for the same file exists): waiting until it is the only one";
        }
        return null;
    }

    /** Removes the writer's temporary names in incoming/ that are links to this file; returns how many. */
    private int releaseWriterTempLinks(SafeFiles.Stat st) throws IOException {
        if (st.nlink <= 1) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(incoming, DurableFiles.TEMP_PREFIX + "*")) {
            for (Path p : ds) {
                SafeFiles.Stat t = SafeFiles.stat(p);
                if (t != null && t.regular && st.sameFile(t) && Files.deleteIfExists(p)) {
                    removed++;
                }
            }
        }
        if (removed > 0) {
            DurableFiles.syncDirectory(incoming);
        }
        return removed;
    }

    /**
     * A frozen message (Exim's {@code -frozen} in its -H) is held as Exim holds it: its claim goes back to incoming/,
     * where it waits, reported once, until it is thawed ({@code exim -Mt} removes {@code -frozen} and adds
     * {@code -manual_thaw}) or replaced by a thawed copy, which wins over the frozen one.
     */
    private void hold(String id, String c, Scan s) throws IOException {
        try {
            SafeFiles.moveNoReplace(claimed.resolve(c), incoming.resolve(c));
        } catch (FileAlreadyExistsException e) {
            Files.delete(claimed.resolve(c));
        }
        DurableFiles.syncDirectory(incoming);
        DurableFiles.syncDirectory(claimed);
        waiting(id, c + " says -frozen: held until it is thawed (exim -Mt " + id + ", or a copy without -frozen)", s);
    }

    private void waiting(String id, String why, Scan s) {
        if (!why.equals(reportedWaiting.get(id))) {
            reportedWaiting.put(id, why);
            s.waiting.put(id, reason(why));
        }
    }

    /**
     * Moves a refused message to {@code failed/}: the commit file from {@code from}, the data file from incoming/ when
     * {@code withData}, and a {@code <id>.error} note with the reason; under names with a {@code .N} suffix when the
     * plain ones are taken. Nothing is replaced.
     */
    private void refuse(String id, Path from, boolean withData, String why, Scan s) throws IOException {
        String r = reason(why);
        String c = SpoolDirectory.commitFileName(format, id);
        String d = SpoolDirectory.dataFileName(format, id);
        String suffix = null;
        for (int n = 0; n < MAX_FAILED_SUFFIX && suffix == null; n++) {
            String x = n == 0 ? "" : "." + n;
            if (SafeFiles.stat(failed.resolve(c + x)) == null && SafeFiles.stat(failed.resolve(d + x)) == null
                    && SafeFiles.stat(failed.resolve(id + ".error" + x)) == null) {
                suffix = x;
            }
        }
        if (suffix == null) {
            throw new IOException(failed + " holds " + MAX_FAILED_SUFFIX + " refused copies of " + id + " already: " + r);
        }
        DurableFiles.publish(failed, id + ".error" + suffix, (r + "\n").getBytes(StandardCharsets.UTF_8));
        if (withData && SafeFiles.stat(incoming.resolve(d)) != null) {
            SafeFiles.moveNoReplace(incoming.resolve(d), failed.resolve(d + suffix));
        }
        SafeFiles.moveNoReplace(from.resolve(c), failed.resolve(c + suffix));
        s.failures.put(id, r);
        s.taken++;
        reportedWaiting.remove(id);
    }

    private void cleanUp(String id, Scan s) throws IOException {
        String dataName = SpoolDirectory.dataFileName(format, id);
        String commitName = SpoolDirectory.commitFileName(format, id);
        if (settings.keepDone()) {
            SafeFiles.Stat ds = SafeFiles.stat(incoming.resolve(dataName));
            if (ds == null) {
                return;
            }
            try {
                SafeFiles.moveNoReplace(incoming.resolve(dataName), done.resolve(dataName));
            } catch (NoSuchFileException e) {
                // another node is finishing the same clean-up of done/
            } catch (FileAlreadyExistsException e) {
                if (ds.sameFile(SafeFiles.stat(done.resolve(dataName)))) {
                    Files.deleteIfExists(incoming.resolve(dataName)); // killed inside the move: finish it
                    DurableFiles.syncDirectory(incoming);
                } else {
                    refuseDataLeftOver(id, s);
                }
            }
        } else {
            Files.deleteIfExists(incoming.resolve(dataName));
            DurableFiles.syncDirectory(incoming);
            Files.deleteIfExists(done.resolve(commitName));
            DurableFiles.syncDirectory(done);
        }
    }

    /** A data file in incoming/ for an id whose data file is already in done/: moved aside, never over the one in done/. */
    private void refuseDataLeftOver(String id, Scan s) throws IOException {
        String d = SpoolDirectory.dataFileName(format, id);
        for (int n = 1; n < MAX_FAILED_SUFFIX; n++) {
            try {
                SafeFiles.moveNoReplace(incoming.resolve(d), failed.resolve(d + "." + n));
                s.failures.put(id, reason(d + " was left in the incoming directory after id " + id + " was requeued with another " + d
                        + ": moved aside as " + d + "." + n));
                return;
            } catch (FileAlreadyExistsException e) {
                // next suffix
            }
        }
    }

    private boolean settled(SafeFiles.Stat cs, SafeFiles.Stat ds) {
        if (settings.settle().isZero()) {
            return true;
        }
        long limit = settings.clock().millis() - settings.settle().toMillis();
        return cs.mtimeMillis <= limit && ds.mtimeMillis <= limit;
    }

    /** A claim or adoption: rename(2) (only one claimer wins); the target name was checked to be free. */
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

    public RequeueSettings settings() {
        return settings;
    }

    /** For tests and tools: the time source. */
    Clock clock() {
        return settings.clock();
    }

    /** For tests and tools: how old a message must be before it is taken. */
    public Duration settle() {
        return settings.settle();
    }
}
