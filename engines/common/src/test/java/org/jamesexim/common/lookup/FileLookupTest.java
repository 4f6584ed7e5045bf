package org.jamesexim.common.lookup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file lookup: read at start, read again when the file changes, a bad change keeps the table in use and says why. */
class FileLookupTest {
    @TempDir
    Path dir;

    private final List<String> info = new ArrayList<>();
    private final List<String> warn = new ArrayList<>();
    private static final Lookup.ValueCheck NO_BLANKS = v -> v.contains(" ") ? "blanks are not allowed" : null;

    private FileLookup open(Path f) {
        return new FileLookup("testLookup " + f, f, NO_BLANKS, Duration.ZERO, Duration.ofSeconds(5), info::add, warn::add);
    }

    private void replace(Path f, String text) throws IOException {
        Path tmp = dir.resolve("new.tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void findsKeysAndSaysNotFoundForOthersAndForTooLongKeys() throws IOException {
        Path f = dir.resolve("t.txt");
        Files.writeString(f, "a@example.org: one\n*@example.net: dom\n");
        try (FileLookup l = open(f)) {
            assertThat(l.find("A@Example.org", l.deadline()).value()).contains("one");
            assertThat(l.find("b@example.net", l.deadline()).kind()).isEqualTo(LookupResult.Kind.FOUND);
            assertThat(l.find("b@example.org", l.deadline()).kind()).isEqualTo(LookupResult.Kind.NOT_FOUND);
            LookupResult tooLong = l.find("x".repeat(Lookup.MAX_KEY_CHARS + 1) + "@example.net", l.deadline());
            assertThat(tooLong.kind()).isEqualTo(LookupResult.Kind.NOT_FOUND);
            assertThat(tooLong.detail()).contains("longer than " + Lookup.MAX_KEY_CHARS);
            assertThat(l.find(null, null).kind()).isEqualTo(LookupResult.Kind.NOT_FOUND);
            assertThat(l.describe()).isEqualTo("testLookup " + f);
        }
        assertThat(info).containsExactly("testLookup " + f + " read: 2 entries in use");
    }

    @Test
    void aChangedFileIsReadAgainAndABadOneKeepsTheOldTableAndSaysWhy() throws IOException {
        Path f = dir.resolve("t.txt");
        Files.writeString(f, "a: 1\n");
        FileLookup l = open(f);
        replace(f, "a: 2\nb: 3\n");
        assertThat(l.find("a", l.deadline()).value()).contains("2");
        assertThat(l.find("b", l.deadline()).value()).contains("3");
        assertThat(info).last().isEqualTo("testLookup " + f + " reloaded: 2 entries in use");

        replace(f, "a: 4\nb: bad value\n");
        assertThat(l.find("a", l.deadline()).value()).as("the bad file is not taken").contains("2");
        assertThat(warn).hasSize(1);
        assertThat(warn.get(0)).contains("testLookup " + f).contains("line 2: blanks are not allowed").doesNotContain("bad value");
        assertThat(l.find("a", l.deadline()).value()).contains("2");
        assertThat(warn).as("one WARN per change").hasSize(1);

        Files.delete(f);
        assertThat(l.find("b", l.deadline()).value()).as("a removed file keeps the table").contains("3");
        assertThat(warn).hasSize(2);

        replace(f, "c: 5\n");
        assertThat(l.find("c", l.deadline()).value()).contains("5");
        assertThat(l.find("a", l.deadline()).kind()).isEqualTo(LookupResult.Kind.NOT_FOUND);
    }

    @Test
    void aMissingBadOrTooLargeFileFailsAtStartNamingTheFileAndLine() throws IOException {
        Path missing = dir.resolve("missing.txt");
        assertThatThrownBy(() -> open(missing)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(missing.toString());
        Path bad = dir.resolve("bad.txt");
        Files.writeString(bad, "ok: 1\nnot: good one\n");
        assertThatThrownBy(() -> open(bad)).hasMessage("testLookup " + bad + " line 2: blanks are not allowed");
        Path big = dir.resolve("big.txt");
        Files.write(big, new byte[FileTable.MAX_FILE_OCTETS + 1]);
        assertThatThrownBy(() -> open(big)).hasMessage("testLookup " + big + " is larger than " + FileTable.MAX_FILE_OCTETS + " octets");
    }
}
