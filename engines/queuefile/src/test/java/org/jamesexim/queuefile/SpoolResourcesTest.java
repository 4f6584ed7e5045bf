package org.jamesexim.queuefile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files QueueFile writes get the mode and group a scanner of another user needs (0640/0660 and a group, never
 * more), and done/ is pruned by age, bounded per pass and at most every minute, never a requeue a crash left half done.
 */
class SpoolResourcesTest {
    @TempDir
    Path dir;

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        long millis = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    @Test
    void filesGetTheModeAndGroupGivenBeforeTheyAppear() throws Exception {
        SpoolDirectory sd = SpoolDirectory.open(dir, SpoolFormat.JAMES);
        String plain = sd.write(new SpooledMessage(null, Messages.envelope(), Messages.raw("a", "b\r\n")));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(plain + ".eml")))).isEqualTo("rw-------");

        SpoolDirectory shared = sd.withAccess(SpoolFileAccess.of("0640", "mail", dir));
        String id = shared.write(new SpooledMessage(null, Messages.envelope(), Messages.raw("a", "b\r\n")));
        for (String f : new String[] {id + ".eml", id + ".json"}) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(f)))).isEqualTo("rw-r-----");
            assertThat(Files.getAttribute(dir.resolve(f), "posix:group").toString()).isEqualTo("mail");
        }
        assertThat(shared.read(id).envelope().sender()).isEqualTo(Messages.envelope().sender());
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no probe or temporary file left").noneMatch(n -> n.startsWith("."));
        }
        assertThat(SpoolFileAccess.of("660", null, dir).mode()).isEqualTo("0660");
    }

    @Test
    void unsafeModesAndUnknownGroupsAreRefused() {
        for (String mode : new String[] {"0644", "0666", "0700", "0777", "0400", "0604", "0620"}) {
            assertThatThrownBy(() -> SpoolFileAccess.of(mode, null, dir)).as(mode).hasMessageStartingWith("fileMode: " + mode + " is not allowed");
        }
        assertThatThrownBy(() -> SpoolFileAccess.of("rw-r-----", null, dir)).hasMessageStartingWith("fileMode: 'rw-r-----' is not an octal mode");
        assertThatThrownBy(() -> SpoolFileAccess.of("0640", "no-such-group-jexim", dir)).hasMessage("fileGroup: no group named 'no-such-group-jexim'");
    }

    @Test
    void doneIsPrunedByAgeBoundedAndNotBeforeItsTime() throws Exception {
        TestClock clock = new TestClock();
        RequeuerTest.ListSink sink = new RequeuerTest.ListSink();
        RequeueSettings settings = RequeueSettings.builder().clock(clock).doneMaxAge(Duration.ofHours(168)).build();
        SpoolDirectory sd = SpoolDirectory.open(dir, SpoolFormat.JAMES);
        String oldId = sd.write(new SpooledMessage(null, Messages.envelope(), Messages.raw("old", "b\r\n")));
        String newId = sd.write(new SpooledMessage(null, Messages.envelope(), Messages.raw("new", "b\r\n")));
        Requeuer r = Requeuer.create(dir, "node-1", SpoolFormat.JAMES, sink, settings);
        assertThat(r.runOnce().requeued()).hasSize(2);
        Path done = dir.resolve(Requeuer.DONE);
        FileTime eightDaysAgo = FileTime.fromMillis(clock.millis - Duration.ofDays(8).toMillis());
        FileTime sixDaysAgo = FileTime.fromMillis(clock.millis - Duration.ofDays(6).toMillis());
        for (String f : new String[] {oldId + ".eml", oldId + ".json"}) {
            Files.setLastModifiedTime(done.resolve(f), eightDaysAgo);
        }
        for (String f : new String[] {newId + ".eml", newId + ".json"}) {
            Files.setLastModifiedTime(done.resolve(f), sixDaysAgo);
        }
        // a requeue a crash left half done: its commit file is old, its data file still in incoming/
        String halfId = sd.write(new SpooledMessage(null, Messages.envelope(), Messages.raw("half", "b\r\n")));
        Files.move(dir.resolve(halfId + ".json"), done.resolve(halfId + ".json"));
        Files.setLastModifiedTime(done.resolve(halfId + ".json"), eightDaysAgo);
        Files.writeString(done.resolve("notes.txt"), "not ours");
        Files.setLastModifiedTime(done.resolve("notes.txt"), eightDaysAgo);

        assertThat(r.pruneDone()).isEqualTo(2);
        try (var files = Files.list(done)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(newId + ".eml", newId + ".json",
                halfId + ".json", "notes.txt");
        }
        clock.millis += Duration.ofDays(2).toMillis() - 1;
        Files.setLastModifiedTime(done.resolve(newId + ".eml"), eightDaysAgo);
        clock.millis += 1;
        assertThat(r.pruneDone()).as("two days later: the next pass").isEqualTo(2);
        assertThat(r.pruneDone()).as("not again before PRUNE_EVERY").isZero();
    }

    @Test
    void onePassDeletesAtMostItsBoundAndPruningIsOffByDefault() throws Exception {
        TestClock clock = new TestClock();
        Path done = Files.createDirectories(dir.resolve(Requeuer.DONE));
        FileTime old = FileTime.fromMillis(clock.millis - Duration.ofDays(30).toMillis());
        for (int i = 0; i < Requeuer.MAX_PRUNE_DELETED + 200; i++) {
            Path f = done.resolve("id-" + i + ".eml");
            Files.writeString(f, "x");
            Files.setLastModifiedTime(f, old);
        }
        Requeuer off = Requeuer.create(dir, "node-1", SpoolFormat.JAMES, new RequeuerTest.ListSink(),
            RequeueSettings.builder().clock(clock).build());
        assertThat(off.pruneDone()).isZero();
        Requeuer r = Requeuer.create(dir, "node-1", SpoolFormat.JAMES, new RequeuerTest.ListSink(),
            RequeueSettings.builder().clock(clock).doneMaxAge(Duration.ofHours(1)).build());
        assertThat(r.pruneDone()).isEqualTo(Requeuer.MAX_PRUNE_DELETED);
        clock.millis += Requeuer.PRUNE_EVERY.toMillis();
        assertThat(r.pruneDone()).isEqualTo(200);
    }
}
