package org.jamesexim.srs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SrsDomainListTest {
    @TempDir
    Path dir;

    final List<String> events = new CopyOnWriteArrayList<>();
    final SrsDomainList.Listener listener = new SrsDomainList.Listener() {
        @Override
        public void loaded(Path file, int domains, boolean reload) {
            events.add((reload ? "reloaded " : "loaded ") + domains);
        }

        @Override
        public void failed(Path file, String why) {
            events.add("failed " + why);
        }
    };

    Path write(Path f, String text, long mtime) throws Exception {
        Path tmp = Files.writeString(dir.resolve("tmp"), text);
        Files.setLastModifiedTime(tmp, FileTime.fromMillis(mtime));
        return Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void fixedDomainsAndWildcards() {
        SrsDomainList l = new SrsDomainList("excludeDomains", List.of("Example.TEST", "*.spf-ok.example"), null, Duration.ZERO,
            Clock.systemUTC(), null);
        assertThat(l.contains("example.test")).isTrue();
        assertThat(l.contains("EXAMPLE.test")).isTrue();
        assertThat(l.contains("sub.example.test")).isFalse();
        assertThat(l.contains("mx.spf-ok.example")).isTrue();
        assertThat(l.contains("spf-ok.example")).isFalse();
        assertThat(l.contains("evil-spf-ok.example")).isFalse();
        assertThat(l.first()).isEqualTo("example.test");
        assertThatThrownBy(() -> new SrsDomainList("excludeDomains", List.of("not a domain"), null, Duration.ZERO, Clock.systemUTC(), null))
            .hasMessageContaining("excludeDomains: 'not a domain' is not a domain");
    }

    @Test
    void aChangedFileIsReadAgainAndABadOneKeepsTheListInUse() throws Exception {
        Path f = write(dir.resolve("domains"), "# ours\na.example\nb.example, c.example\n", 1_000_000);
        SrsDomainList l = new SrsDomainList("aliasDomains", List.of("fixed.example"), f, Duration.ZERO, Clock.systemUTC(), listener);
        assertThat(l.domains()).containsExactly("fixed.example", "a.example", "b.example", "c.example");
        assertThat(events).containsExactly("loaded 4");
        assertThat(l.refresh()).isFalse(); // unchanged
        write(f, "d.example\n", 2_000_000);
        assertThat(l.contains("d.example")).isTrue();
        assertThat(l.contains("a.example")).isFalse();
        assertThat(events).containsExactly("loaded 4", "reloaded 2");
        write(f, "e.example\nnot a domain!\n", 3_000_000);
        assertThat(l.domains()).containsExactly("fixed.example", "d.example");
        assertThat(events.get(2)).startsWith("failed ").contains("line 2").contains("the list in use is kept");
        assertThat(l.domains()).containsExactly("fixed.example", "d.example");
        assertThat(events).hasSize(3); // reported once
        Files.delete(f);
        assertThat(l.domains()).containsExactly("fixed.example", "d.example");
        assertThat(events.get(3)).contains("cannot be read");
        write(f, "f.example\n", 4_000_000);
        assertThat(l.domains()).containsExactly("fixed.example", "f.example");
    }

    @Test
    void aMissingFileAtTheStartIsAnError() {
        assertThatThrownBy(() -> new SrsDomainList("aliasDomains", List.of(), dir.resolve("none"), Duration.ZERO, Clock.systemUTC(), null))
            .hasMessageContaining("cannot be read");
    }

    @Test
    void theFileIsLookedAtOnlyEveryCheckInterval() throws Exception {
        Path f = write(dir.resolve("domains"), "a.example\n", 1_000_000);
        AtomicReference<Long> now = new AtomicReference<>(0L);
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                return java.time.Instant.ofEpochMilli(now.get());
            }
        };
        SrsDomainList l = new SrsDomainList("aliasDomains", List.of(), f, Duration.ofSeconds(5), clock, listener);
        write(f, "b.example\n", 2_000_000);
        now.set(4_999L);
        assertThat(l.domains()).containsExactly("a.example");
        now.set(5_000L);
        assertThat(l.domains()).containsExactly("b.example");
    }

    /** Readers during reloads see the whole old list or the whole new one. */
    @Test
    void readersNeverSeeAHalfReadList() throws Exception {
        Path f = write(dir.resolve("domains"), list("old", 200), 1_000_000);
        SrsDomainList l = new SrsDomainList("excludeDomains", List.of(), f, Duration.ZERO, Clock.systemUTC(), listener);
        AtomicBoolean stop = new AtomicBoolean();
        List<String> bad = new CopyOnWriteArrayList<>();
        List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            Thread r = new Thread(() -> {
                while (!stop.get()) {
                    List<String> d = l.domains();
                    String prefix = d.get(0).substring(0, 3);
                    if (d.size() != 200 || !d.stream().allMatch(x -> x.startsWith(prefix))) {
                        bad.add(d.toString());
                    }
                }
            });
            r.start();
            readers.add(r);
        }
        for (int i = 0; i < 100; i++) {
            write(f, list(i % 2 == 0 ? "new" : "old", 200), 2_000_000 + i * 1000L);
        }
        stop.set(true);
        for (Thread r : readers) {
            r.join();
        }
        assertThat(bad).isEmpty();
        assertThat(events.stream().filter(e -> e.startsWith("reloaded")).count()).isGreaterThan(0);
    }

    static String list(String prefix, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(prefix).append(i).append(".example\n");
        }
        return sb.toString();
    }
}
