package org.jamesexim.queuefile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RequeuerTest {
    static final String NODE = "node-1";

    @TempDir
    Path dir;

    /** Remembers what was enqueued; can be told to fail. */
    static final class ListSink implements RequeueSink {
        final Map<String, SpooledMessage> held = new ConcurrentHashMap<>();
        final List<String> enqueued = new ArrayList<>();
        Exception failWith;
        boolean canTell = true;

        @Override
        public synchronized void enqueue(String key, SpooledMessage message) throws Exception {
            if (failWith != null) {
                throw failWith;
            }
            enqueued.add(key);
            held.put(key, message);
        }

        @Override
        public boolean contains(String key) {
            return canTell && held.containsKey(key);
        }
    }

    ListSink sink;

    @BeforeEach
    void setUp() {
        sink = new ListSink();
    }

    @ParameterizedTest
    @EnumSource(SpoolFormat.class)
    void requeuesEachMessageOnceAndCleansUp(SpoolFormat format) throws Exception {
        SpoolDirectory sd = SpoolDirectory.open(dir, format);
        byte[] raw = Messages.raw("requeue", "body\r\n");
        String id1 = sd.write(new SpooledMessage(null, Messages.envelope(), raw));
        String id2 = sd.write(new SpooledMessage(null, Messages.envelope(), raw));
        Requeuer r = Requeuer.create(dir, NODE, format, sink, true, Duration.ZERO, Clock.systemUTC());

        Requeuer.Result res = r.runOnce();
        assertThat(res.requeued()).containsExactly(id1, id2);
        assertThat(sink.enqueued).containsExactly("queuefile-" + id1, "queuefile-" + id2);
        assertThat(sink.held.get("queuefile-" + id1).content()).isEqualTo(raw);
        // by default only what an SMTP client could have sent is believed (UntrustedEnvelopeTest)
        assertThat(sink.held.get("queuefile-" + id1).envelope()).isEqualTo(EnvelopeTrust.untrusted(Messages.envelope()));
        assertThat(dir.resolve("done").resolve(SpoolDirectory.commitFileName(format, id1))).exists();
        assertThat(dir.resolve("done").resolve(SpoolDirectory.dataFileName(format, id1))).exists();
        assertThat(sd.committedIds()).isEmpty();

        assertThat(r.runOnce().requeued()).isEmpty();
        assertThat(sink.enqueued).hasSize(2);
    }

    @Test
    void deleteModeLeavesNothing() throws Exception {
        SpoolDirectory sd = SpoolDirectory.open(dir, SpoolFormat.JAMES);
        sd.write(new SpooledMessage(null, Messages.envelope(), Messages.raw("d", "b\r\n")));
        Requeuer.create(dir, NODE, SpoolFormat.JAMES, sink, false, Duration.ZERO, Clock.systemUTC()).runOnce();
        assertThat(sink.enqueued).hasSize(1);
        try (var s = Files.walk(dir)) {
            assertThat(s.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void brokenMessagesGoToFailedWithTheReason() throws Exception {
        SpoolDirectory sd = SpoolDirectory.open(dir, SpoolFormat.JAMES);
        String id = sd.write(new SpooledMessage(null, Messages.envelope(), Messages.raw("broken", "b\r\n")));
        Files.writeString(dir.resolve(id + ".eml"), "truncated");
        Requeuer.Result res = Requeuer.create(dir, NODE, SpoolFormat.JAMES, sink, true, Duration.ZERO, Clock.systemUTC()).runOnce();
        assertThat(res.failed()).containsOnlyKeys(id);
        assertThat(sink.enqueued).isEmpty();
        assertThat(dir.resolve("failed").resolve(id + ".json")).exists();
        assertThat(dir.resolve("failed").resolve(id + ".eml")).exists();
        assertThat(Files.readString(dir.resolve("failed").resolve(id + ".error"))).contains("the envelope says");
    }

    @Test
    void aTruncatedEximDataFileIsRefusedByItsLineCount() throws Exception {
        SpoolDirectory sd = SpoolDirectory.open(dir, SpoolFormat.EXIM);
        String id = sd.write(new SpooledMessage(null, Messages.envelope(), Messages.raw("cut", "line 1\r\nline 2\r\nline 3\r\n")));
        Path d = dir.resolve(id + "-D");
        byte[] full = Files.readAllBytes(d);
        Files.write(d, java.util.Arrays.copyOf(full, full.length - 4)); // a copy still in progress, cut mid-line
        Requeuer.Result res = Requeuer.create(dir, NODE, SpoolFormat.EXIM, sink, true, Duration.ZERO, Clock.systemUTC()).runOnce();
        assertThat(res.failed().get(id)).contains("-D has 2 lines, -H says -body_linecount 3");
        assertThat(sink.enqueued).isEmpty();
    }

    @Test
    void temporarySinkFailureKeepsTheMessageClaimedAndRetries() throws Exception {
        SpoolDirectory sd = SpoolDirectory.open(dir, SpoolFormat.EXIM);
        String id = sd.write(new SpooledMessage(null, Messages.envelope(), Messages.raw("retry", "b\r\n")));
        Requeuer r = Requeuer.create(dir, NODE, SpoolFormat.EXIM, sink, true, Duration.ZERO, Clock.systemUTC());
        sink.failWith = new java.io.IOException("queue down");
        Requeuer.Result first = r.runOnce();
        assertThat(first.retrying()).containsEntry(id, "queue down");
        assertThat(dir.resolve("claimed").resolve(NODE).resolve(id + "-H")).exists();
        sink.failWith = null;
        Requeuer.Result second = r.runOnce();
        assertThat(second.requeued()).containsExactly(id);
        assertThat(sink.enqueued).containsExactly("queuefile-" + id);
    }

    @Test
    void permanentSinkFailureMovesToFailed() throws Exception {
        SpoolDirectory sd = SpoolDirectory.open(dir, SpoolFormat.JAMES);
        String id = sd.write(new SpooledMessage(null, Messages.envelope(), Messages.raw("perm", "b\r\n")));
        sink.failWith = new RequeueSink.PermanentFailure("bad address x@", null);
        Requeuer.Result res = Requeuer.create(dir, NODE, SpoolFormat.JAMES, sink, true, Duration.ZERO, Clock.systemUTC()).runOnce();
        assertThat(res.failed()).containsEntry(id, "bad address x@");
    }

    @Test
    void recoveryDoesNotEnqueueTwiceWhenTheSinkStillHoldsIt() throws Exception {
        SpoolDirectory sd = SpoolDirectory.open(dir, SpoolFormat.JAMES);
        String id = sd.write(new SpooledMessage(null, Messages.envelope(), Messages.raw("crash", "b\r\n")));
        Requeuer r = Requeuer.create(dir, NODE, SpoolFormat.JAMES, sink, true, Duration.ZERO, Clock.systemUTC());
        // the state a crash right after the enqueue leaves: claimed, enqueued, not committed
        Path claimed = dir.resolve("claimed").resolve(NODE);
        Files.move(dir.resolve(id + ".json"), claimed.resolve(id + ".json"));
        sink.enqueue(Requeuer.key(id), SpoolDirectory.read(SpoolFormat.JAMES, claimed.resolve(id + ".json"), dir.resolve(id + ".eml"), id));
        Requeuer.Result res = r.runOnce();
        assertThat(res.recovered()).containsExactly(id);
        assertThat(res.requeued()).isEmpty();
        assertThat(sink.enqueued).hasSize(1);
        assertThat(dir.resolve("done").resolve(id + ".json")).exists();
    }

    /** A claim of the layout before node names (directly in claimed/) is adopted and recovered. */
    @Test
    void recoveryEnqueuesAClaimedMessageTheSinkNeverGot() throws Exception {
        SpoolDirectory sd = SpoolDirectory.open(dir, SpoolFormat.EXIM);
        String id = sd.write(new SpooledMessage(null, Messages.envelope(), Messages.raw("crash2", "b\r\n")));
        Files.move(dir.resolve(id + "-H"), Files.createDirectories(dir.resolve("claimed")).resolve(id + "-H"));
        Requeuer.Result res = Requeuer.create(dir, NODE, SpoolFormat.EXIM, sink, true, Duration.ZERO, Clock.systemUTC()).runOnce();
        assertThat(res.requeued()).containsExactly(id);
        assertThat(sink.enqueued).containsExactly("queuefile-" + id);
    }

    @Test
    void recoveryFinishesAnInterruptedCleanUp() throws Exception {
        SpoolDirectory sd = SpoolDirectory.open(dir, SpoolFormat.JAMES);
        String id = sd.write(new SpooledMessage(null, Messages.envelope(), Messages.raw("c", "b\r\n")));
        Files.move(dir.resolve(id + ".json"), Files.createDirectories(dir.resolve("done")).resolve(id + ".json"));
        Requeuer.Result res = Requeuer.create(dir, NODE, SpoolFormat.JAMES, sink, true, Duration.ZERO, Clock.systemUTC()).runOnce();
        assertThat(res.recovered()).containsExactly(id);
        assertThat(sink.enqueued).isEmpty();
        assertThat(dir.resolve("done").resolve(id + ".eml")).exists();
        assertThat(dir.resolve(id + ".eml")).doesNotExist();
    }

    @Test
    void unsettledMessagesWait() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src"));
        Path in = Files.createDirectories(dir.resolve("in"));
        SpoolDirectory sd = SpoolDirectory.open(src, SpoolFormat.EXIM);
        String id = sd.write(new SpooledMessage(null, Messages.envelope(), Messages.raw("s", "b\r\n")));
        // a copy-mode writer (Exim's queuefile transport) puts -H first, -D later
        Files.copy(src.resolve(id + "-H"), in.resolve(id + "-H"));
        Requeuer r = Requeuer.create(in, NODE, SpoolFormat.EXIM, sink, true, Duration.ofSeconds(2), Clock.systemUTC());
        assertThat(r.runOnce().requeued()).isEmpty();
        Files.copy(src.resolve(id + "-D"), in.resolve(id + "-D"), StandardCopyOption.COPY_ATTRIBUTES);
        assertThat(r.runOnce().requeued()).isEmpty();
        Clock later = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(5));
        assertThat(Requeuer.create(in, NODE, SpoolFormat.EXIM, sink, true, Duration.ofSeconds(2), later).runOnce().requeued()).containsExactly(id);
    }

    @Test
    void aNodeLeavesAnotherNodesClaimsAlone() throws Exception {
        SpoolDirectory sd = SpoolDirectory.open(dir, SpoolFormat.JAMES);
        String id = sd.write(new SpooledMessage(null, Messages.envelope(), Messages.raw("theirs", "b\r\n")));
        Requeuer a = Requeuer.create(dir, "node-a", SpoolFormat.JAMES, sink, true, Duration.ZERO, Clock.systemUTC());
        Requeuer b = Requeuer.create(dir, "node-b", SpoolFormat.JAMES, sink, true, Duration.ZERO, Clock.systemUTC());
        // node b has claimed it and is enqueueing it (or crashed doing so)
        Files.move(dir.resolve(id + ".json"), dir.resolve("claimed").resolve("node-b").resolve(id + ".json"));
        Requeuer.Result ra = a.runOnce();
        assertThat(ra.recovered()).isEmpty();
        assertThat(ra.requeued()).isEmpty();
        assertThat(dir.resolve("claimed").resolve("node-b").resolve(id + ".json")).exists();
        // node b, restarted, recovers its own claim
        assertThat(b.runOnce().recovered()).containsExactly(id);
        assertThat(sink.enqueued).containsExactly("queuefile-" + id);
    }

    @ParameterizedTest
    @EnumSource(SpoolFormat.class)
    void twoNodesOnOneSharedDirectoryTakeEveryMessageExactlyOnce(SpoolFormat format) throws Exception {
        SpoolDirectory sd = SpoolDirectory.open(dir, format);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            ids.add(sd.write(new SpooledMessage(null, Messages.envelope(), Messages.raw("shared " + i, "b\r\n"))));
        }
        ListSink sinkA = new ListSink();
        ListSink sinkB = new ListSink();
        Requeuer a = Requeuer.create(dir, "node-a", format, sinkA, false, Duration.ZERO, Clock.systemUTC());
        Requeuer b = Requeuer.create(dir, "node-b", format, sinkB, false, Duration.ZERO, Clock.systemUTC());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
            List<java.util.concurrent.Future<?>> runs = new ArrayList<>();
            for (Requeuer r : List.of(a, b)) {
                runs.add(pool.submit(() -> {
                    start.await();
                    for (int k = 0; k < 3; k++) {
                        assertThat(r.runOnce().failed()).isEmpty();
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : runs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> all = new ArrayList<>(sinkA.enqueued);
        all.addAll(sinkB.enqueued);
        assertThat(all).as("every message once, by one node or the other")
            .containsExactlyInAnyOrderElementsOf(ids.stream().map(Requeuer::key).collect(java.util.stream.Collectors.toList()));
        assertThat(sd.committedIds()).isEmpty();
        for (String node : List.of("node-a", "node-b")) {
            try (java.util.stream.Stream<Path> left = Files.list(dir.resolve("claimed").resolve(node))) {
                assertThat(left).isEmpty();
            }
        }
    }

    @Test
    void aBadNodeNameIsRefused() {
        for (String bad : new String[] {"", ".", "..", "a/b", "-x", "a b", "x".repeat(65)}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> Requeuer.create(dir, bad, SpoolFormat.JAMES, sink, true, Duration.ZERO, Clock.systemUTC()))
                .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node");
        }
    }
}
