package org.jamesexim.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloadingFileTest {
    @TempDir
    Path dir;

    private final List<String> log = new ArrayList<>();
    private final ReloadingFile.Listener<String> listener = new ReloadingFile.Listener<>() {
        @Override
        public void loaded(Path file, String value, boolean reload) {
            log.add((reload ? "reloaded " : "read ") + value);
        }

        @Override
        public void failed(Path file, String why) {
            log.add("failed " + why);
        }
    };

    /** The file's text, refused when it holds "bad". */
    private static final Function<Path, String> READER = p -> {
        try {
            String s = Files.readString(p, StandardCharsets.UTF_8).trim();
            if (s.contains("bad")) {
                throw new IllegalArgumentException("line 1 is refused");
            }
            return s;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read");
        }
    };

    /** Writes {@code text} the way operators are told to: a new file renamed into place. */
    private void replace(Path file, String text) throws IOException {
        Path tmp = dir.resolve("new.tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        long millis = 1_000_000;

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
    void aChangedFileIsReadAgainAtTheNextCheckNotBefore() throws IOException {
        Path file = dir.resolve("list");
        Files.writeString(file, "one");
        TestClock clock = new TestClock();
        ReloadingFile<String> f = new ReloadingFile<>(file, READER, Duration.ofSeconds(5), clock, listener);
        assertThat(f.get()).isEqualTo("one");
        replace(file, "two");
        clock.millis += 4_999;
        assertThat(f.get()).isEqualTo("one");
        clock.millis += 1;
        assertThat(f.get()).isEqualTo("two");
        assertThat(f.get()).isEqualTo("two");
        assertThat(log).containsExactly("read one", "reloaded two");
    }

    @Test
    void aRefusedFileKeepsTheValueInUseAndIsReportedOncePerChange() throws IOException {
        Path file = dir.resolve("list");
        Files.writeString(file, "one");
        ReloadingFile<String> f = new ReloadingFile<>(file, READER, Duration.ZERO, Clock.systemUTC(), listener);
        replace(file, "bad");
        assertThat(f.get()).isEqualTo("one");
        assertThat(f.get()).isEqualTo("one");
        Files.delete(file);
        assertThat(f.get()).isEqualTo("one");
        assertThat(f.get()).isEqualTo("one");
        replace(file, "three");
        assertThat(f.get()).isEqualTo("three");
        assertThat(log).containsExactly("read one", "failed line 1 is refused (the value in use is kept)",
            "failed " + file + " cannot be read (the value in use is kept)", "reloaded three");
    }

    @Test
    void aFileThatChangesWhileItIsReadIsNotTakenAndIsReadAgainLater() throws IOException {
        Path file = dir.resolve("list");
        Files.writeString(file, "one");
        AtomicInteger reads = new AtomicInteger();
        Function<Path, String> writerStillAtWork = p -> {
            String s = READER.apply(p);
            if (reads.incrementAndGet() == 2) {
                try {
                    Files.writeString(p, "two and more"); // the writer appends while we read: a half-written file
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            return s;
        };
        ReloadingFile<String> f = new ReloadingFile<>(file, writerStillAtWork, Duration.ZERO, Clock.systemUTC(), listener);
        Files.writeString(file, "two");
        assertThat(f.get()).as("half-written: the old value stays, without a report").isEqualTo("one");
        assertThat(log).containsExactly("read one");
        assertThat(f.get()).isEqualTo("two and more");
        assertThat(log).containsExactly("read one", "reloaded two and more");
    }

    @Test
    void aMissingOrRefusedFileFailsAtTheStart() throws IOException {
        assertThatThrownBy(() -> new ReloadingFile<>(dir.resolve("none"), READER, Duration.ZERO, Clock.systemUTC(), listener))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("none");
        Path file = dir.resolve("list");
        Files.writeString(file, "bad");
        assertThatThrownBy(() -> new ReloadingFile<>(file, READER, Duration.ZERO, Clock.systemUTC(), listener))
            .hasMessage("line 1 is refused");
        assertThatThrownBy(() -> new ReloadingFile<>(dir, READER, Duration.ZERO, Clock.systemUTC(), listener))
            .as("a directory is no file").isInstanceOf(IllegalArgumentException.class);
    }
}
