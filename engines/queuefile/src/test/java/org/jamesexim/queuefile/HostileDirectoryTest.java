package org.jamesexim.queuefile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whatever writes into the incoming directory may be hostile (a compromised scanner, a planted symbolic link, a
 * second file under an id already taken): the requeuer reads only regular files of its own user that have one
 * link, never follows a link, never overwrites a file, never takes an id twice, bounds every read and every scan,
 * and moves what it refuses to {@code failed/} with the reason, once. A refused start names the path.
 */
class HostileDirectoryTest {
    static final String NODE = "node-1";
    static final String NOBODY = "nobody";

    @TempDir
    Path tmp;

    Path in;
    TestSink sink = new TestSink();

    Path in() throws IOException {
        if (in == null) {
            in = Files.createDirectories(tmp.resolve("in"));
        }
        return in;
    }

    Requeuer requeuer(SpoolFormat format) throws IOException {
        return Requeuer.create(in(), NODE, format, sink, true, Duration.ZERO, Clock.systemUTC());
    }

    /** Drops a James-format pair by hand, as a scanner would; {@code sha256} may be left out. */
    static void dropJames(Path dir, String id, SpoolEnvelope e, byte[] content, boolean withSha) throws IOException {
        byte[] json = new JamesEnvelopeCodec().encode(e, id, id + ".eml", content.length, withSha ? SpoolDirectory.sha256(content) : null);
        Files.write(dir.resolve(id + ".eml"), content);
        Files.write(dir.resolve(id + ".json"), json);
    }

    static SpoolEnvelope plain() {
        return SpoolEnvelope.builder().sender("alice@sender.example").addRecipient("bob@test.example").build();
    }

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    // ---------------------------------------------------------------- symbolic links and other non-regular files

    @ParameterizedTest
    @EnumSource(SpoolFormat.class)
    void aSymlinkedDataFileIsNeverRead(SpoolFormat format) throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path staging = Files.createDirectories(tmp.resolve("staging"));
        SpoolDirectory sd = SpoolDirectory.open(staging, format);
        String id = sd.write(new SpooledMessage(null, plain(), Messages.raw("link", "b\r\n")));
        Path secret = outside.resolve("secret");
        if (format == SpoolFormat.JAMES) {
            // a file the attacker cannot read but whose size it can see: the envelope claims that size, no sha256
            byte[] s = "root:SECRET-HASH:19000:0:99999:7:::\n".getBytes(StandardCharsets.US_ASCII);
            Files.write(secret, s);
            dropJames(in(), id, plain(), s, false);
            Files.delete(in.resolve(id + ".eml"));
        } else {
            Files.writeString(secret, id + "-D\nSECRET-LINE\n");
            Files.copy(staging.resolve(id + "-H"), in().resolve(id + "-H"));
            String h = Files.readString(in.resolve(id + "-H"), StandardCharsets.ISO_8859_1).replaceAll("-body_linecount \\d+", "-body_linecount 1");
            Files.writeString(in.resolve(id + "-H"), h, StandardCharsets.ISO_8859_1);
        }
        Files.createSymbolicLink(in.resolve(SpoolDirectory.dataFileName(format, id)), secret);

        Requeuer.Result res = requeuer(format).runOnce();
        assertThat(sink.enqueued).as("nothing read through the link").isEmpty();
        assertThat(res.failed()).containsKey(id);
        assertThat(res.failed().get(id)).contains("symbolic link").doesNotContain("SECRET");
        assertThat(names(in.resolve("failed"))).contains(SpoolDirectory.commitFileName(format, id), SpoolDirectory.dataFileName(format, id));
        assertThat(Files.isSymbolicLink(in.resolve("failed").resolve(SpoolDirectory.dataFileName(format, id)))).as("the link itself moved").isTrue();
        assertThat(Files.readString(secret)).contains("SECRET");
    }

    @ParameterizedTest
    @ValueSource(strings = {"symlink", "directory", "fifo"})
    void aCommitNameThatIsNotARegularFileIsMovedAsideOnce(String kind) throws Exception {
        Path target = Files.writeString(tmp.resolve("envelope.json"), "{}");
        Path commit = in().resolve("id-1.json");
        Files.writeString(in.resolve("id-1.eml"), "x");
        switch (kind) {
            case "symlink": Files.createSymbolicLink(commit, target); break;
            case "directory": Files.createDirectory(commit); break;
            default: mkfifo(commit); break;
        }
        Requeuer r = requeuer(SpoolFormat.JAMES);
        Requeuer.Result res = assertTimeoutPreemptively(Duration.ofSeconds(30), r::runOnce);
        assertThat(res.failed()).containsOnlyKeys("id-1");
        assertThat(res.failed().get("id-1")).contains("not a regular file");
        assertThat(names(in)).doesNotContain("id-1.json");
        assertThat(r.runOnce().failed()).as("reported once").isEmpty();
        assertThat(sink.enqueued).isEmpty();
    }

    @Test
    void aFifoAsDataFileDoesNotHangTheScan() throws Exception {
        dropJames(in(), "id-1", plain(), "x".getBytes(StandardCharsets.US_ASCII), true);
        Files.delete(in.resolve("id-1.eml"));
        Path fifo = in.resolve("id-1.eml");
        mkfifo(fifo);
        try {
            Requeuer r = requeuer(SpoolFormat.JAMES);
            Requeuer.Result res = assertTimeoutPreemptively(Duration.ofSeconds(30), r::runOnce);
            assertThat(res.failed()).containsOnlyKeys("id-1");
            assertThat(res.failed().get("id-1")).contains("not a regular file");
        } finally {
            unblock(fifo); // only where a reader was left blocked (before the fix)
        }
    }

    static void mkfifo(Path p) throws Exception {
        Process pr = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        assertThat(pr.waitFor()).isZero();
    }

    /** A reader blocked in open() of a FIFO (the defect) is released by a writer opening it. */
    static void unblock(Path fifo) {
        if (!Files.exists(fifo) || Files.isRegularFile(fifo)) {
            return;
        }
        Thread t = new Thread(() -> {
            try (OutputStream o = Files.newOutputStream(fifo, StandardOpenOption.WRITE)) {
                o.write('x');
            } catch (IOException ignored) {
                // nothing was waiting
            }
        });
        t.setDaemon(true);
        t.start();
    }

    // ---------------------------------------------------------------- one id, one message

    @Test
    void aRedroppedIdIsNotRequeuedAgainAndOverwritesNothing() throws Exception {
        dropJames(in(), "id-1", plain(), Messages.raw("first", "b\r\n"), true);
        Requeuer r = requeuer(SpoolFormat.JAMES);
        assertThat(r.runOnce().requeued()).containsExactly("id-1");
        byte[] doneJson = Files.readAllBytes(in.resolve("done/id-1.json"));
        byte[] doneEml = Files.readAllBytes(in.resolve("done/id-1.eml"));

        SpoolEnvelope other = SpoolEnvelope.builder().sender("mallory@evil.example").addRecipient("victim@elsewhere.example").build();
        dropJames(in, "id-1", other, Messages.raw("second", "b\r\n"), true);
        Requeuer.Result res = r.runOnce();
        assertThat(res.requeued()).isEmpty();
        assertThat(sink.enqueued).containsExactly("queuefile-id-1");
        assertThat(res.failed().get("id-1")).contains("already requeued");
        assertThat(Files.readAllBytes(in.resolve("done/id-1.json"))).isEqualTo(doneJson);
        assertThat(Files.readAllBytes(in.resolve("done/id-1.eml"))).isEqualTo(doneEml);
        assertThat(names(in.resolve("failed"))).anyMatch(n -> n.startsWith("id-1.json")).anyMatch(n -> n.startsWith("id-1.eml"));
        assertThat(names(in)).doesNotContain("id-1.json", "id-1.eml");
    }

    @Test
    void aSecondCommitFileForAClaimedIdDoesNotReplaceTheClaim() throws Exception {
        dropJames(in(), "id-1", plain(), Messages.raw("first", "b\r\n"), true);
        Requeuer r = requeuer(SpoolFormat.JAMES);
        sink.failWith = new IOException("queue down");
        assertThat(r.runOnce().retrying()).containsKey("id-1");
        Path claimed = in.resolve("claimed").resolve(NODE).resolve("id-1.json");
        byte[] original = Files.readAllBytes(claimed);

        SpoolEnvelope other = SpoolEnvelope.builder().sender("mallory@evil.example").addRecipient("victim@elsewhere.example").build();
        byte[] content = Files.readAllBytes(in.resolve("id-1.eml"));
        Files.write(in.resolve("id-1.json"), new JamesEnvelopeCodec().encode(other, "id-1", "id-1.eml", content.length, SpoolDirectory.sha256(content)));
        Requeuer.Result second = r.runOnce();
        assertThat(Files.readAllBytes(claimed)).as("the claim is not replaced").isEqualTo(original);
        assertThat(second.failed().get("id-1")).contains("already claimed");

        sink.failWith = null;
        r.runOnce();
        assertThat(sink.enqueued).containsExactly("queuefile-id-1");
        assertThat(sink.held.get("queuefile-id-1").envelope().recipients()).extracting(SpoolRecipient::address).containsExactly("bob@test.example");
    }

    @Test
    void anEnvelopeNamingAnotherIdIsRefused() throws Exception {
        byte[] content = Messages.raw("x", "b\r\n");
        Files.write(in().resolve("id-1.eml"), content);
        Files.write(in.resolve("id-1.json"), new JamesEnvelopeCodec().encode(plain(), "id-2", "id-2.eml", content.length, SpoolDirectory.sha256(content)));
        Requeuer.Result res = requeuer(SpoolFormat.JAMES).runOnce();
        assertThat(sink.enqueued).isEmpty();
        assertThat(res.failed().get("id-1")).contains("id-2");
    }

    @Test
    void anEnvelopeWithoutItsChecksumIsRefused() throws Exception {
        dropJames(in(), "id-1", plain(), Messages.raw("x", "b\r\n"), false);
        Requeuer.Result res = requeuer(SpoolFormat.JAMES).runOnce();
        assertThat(sink.enqueued).isEmpty();
        assertThat(res.failed().get("id-1")).contains("sha256");
    }

    // ---------------------------------------------------------------- links, owners, files still being written

    @ParameterizedTest
    @EnumSource(SpoolFormat.class)
    void aHardLinkedFileWaitsUntilItIsTheOnlyName(SpoolFormat format) throws Exception {
        SpoolDirectory sd = SpoolDirectory.open(in(), format);
        String id = sd.write(new SpooledMessage(null, plain(), Messages.raw("linked", "b\r\n")));
        Path other = Files.createDirectories(tmp.resolve("elsewhere")).resolve("second-name");
        Files.createLink(other, in.resolve(SpoolDirectory.dataFileName(format, id)));
        Requeuer r = requeuer(format);
        Requeuer.Result res = r.runOnce();
        assertThat(res.requeued()).isEmpty();
        assertThat(res.failed()).isEmpty();
        assertThat(res.waiting().get(id)).contains("2 links");
        assertThat(r.runOnce().waiting()).as("reported once").isEmpty();
        Files.delete(other);
        assertThat(r.runOnce().requeued()).containsExactly(id);
    }

    @ParameterizedTest
    @EnumSource(SpoolFormat.class)
    void aFileOwnedByAnotherUserIsRefused(SpoolFormat format) throws Exception {
        SpoolDirectory sd = SpoolDirectory.open(in(), format);
        String id = sd.write(new SpooledMessage(null, plain(), Messages.raw("foreign", "b\r\n")));
        UserPrincipal nobody = in.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(NOBODY);
        Files.setOwner(in.resolve(SpoolDirectory.dataFileName(format, id)), nobody);
        Requeuer.Result res = requeuer(format).runOnce();
        assertThat(sink.enqueued).isEmpty();
        assertThat(res.failed().get(id)).contains("owned by uid");
    }

    @ParameterizedTest
    @EnumSource(SpoolFormat.class)
    void aCommitFileWithoutItsDataFileWaitsForIt(SpoolFormat format) throws Exception {
        Path staging = Files.createDirectories(tmp.resolve("staging"));
        SpoolDirectory sd = SpoolDirectory.open(staging, format);
        String id = sd.write(new SpooledMessage(null, plain(), Messages.raw("order", "b\r\n")));
        // a writer that publishes the commit file first (Exim's queuefile transport in copy mode writes -H before -D)
        Files.move(staging.resolve(SpoolDirectory.commitFileName(format, id)), in().resolve(SpoolDirectory.commitFileName(format, id)));
        Requeuer r = requeuer(format);
        Requeuer.Result res = r.runOnce();
        assertThat(res.failed()).isEmpty();
        assertThat(res.waiting().get(id)).contains("no data file");
        assertThat(names(in)).contains(SpoolDirectory.commitFileName(format, id));
        Files.move(staging.resolve(SpoolDirectory.dataFileName(format, id)), in.resolve(SpoolDirectory.dataFileName(format, id)));
        assertThat(r.runOnce().requeued()).containsExactly(id);
    }

    // ---------------------------------------------------------------- sizes and counts

    @ParameterizedTest
    @ValueSource(strings = {"data", "commit"})
    void aHugeFileIsRefusedWithoutReadingIt(String which) throws Exception {
        dropJames(in(), "id-1", plain(), Messages.raw("x", "b\r\n"), true);
        try (RandomAccessFile f = new RandomAccessFile(in.resolve(which.equals("data") ? "id-1.eml" : "id-1.json").toFile(), "rw")) {
            f.setLength(3L << 30); // sparse: 3 GiB that take no disk
        }
        Requeuer.Result res = requeuer(SpoolFormat.JAMES).runOnce();
        assertThat(sink.enqueued).isEmpty();
        assertThat(res.failed().get("id-1")).contains("3221225472 bytes").contains(which.equals("data") ? "maxMessageSize" : "16777216");
    }

    @Test
    void aScanTakesAtMostMaxPerScanMessages() throws Exception {
        byte[] content = Messages.raw("many", "b\r\n");
        for (int i = 0; i < 1001; i++) {
            dropJames(in(), String.format("id-%04d", i), plain(), content, true);
        }
        Requeuer r = Requeuer.create(in(), NODE, SpoolFormat.JAMES, sink, false, Duration.ZERO, Clock.systemUTC());
        assertThat(r.runOnce().requeued()).hasSize(1000);
        assertThat(r.runOnce().requeued()).hasSize(1);
        assertThat(sink.enqueued).hasSize(1001).doesNotHaveDuplicates();
    }

    @Test
    void aScanLooksAtNoMoreThanTenCommitFilesPerMessageItMayTake() throws Exception {
        for (int i = 0; i < 25; i++) {
            Files.writeString(in().resolve(String.format("id-%02d.json", i)), "{}"); // no data files: every one waits
        }
        Requeuer r = Requeuer.create(in, NODE, SpoolFormat.JAMES, sink, RequeueSettings.builder().maxPerScan(1).build());
        assertThat(r.runOnce().waiting()).hasSize(SpoolLimits.EXAMINED_PER_TAKEN);
    }

    @Test
    void oddNamesAreLeftAloneAndBreakNothing() throws Exception {
        for (String n : List.of("a\nb.json", "x y.json", "..json", "-x.json", "\u00e9t\u00e9.json", "id\u001b[31m.json", "n".repeat(250) + ".json",
                "id-1.json.tmp", "id-1.JSON")) {
            Files.writeString(in().resolve(n), "{}");
        }
        // a name that is not UTF-8
        Process p = new ProcessBuilder("sh", "-c", "printf x > \"$1\"/\"$(printf '\\377\\376')\".json", "sh", in.toString()).inheritIO().start();
        assertThat(p.waitFor()).isZero();
        Requeuer.Result res = requeuer(SpoolFormat.JAMES).runOnce();
        assertThat(res.requeued()).isEmpty();
        assertThat(res.failed()).isEmpty();
        assertThat(names(in)).hasSize(10 + 3);
    }

    // ---------------------------------------------------------------- temporary failures stay temporary

    @Test
    void anUnusableFailedDirectoryKeepsTheMessageAndTheScanGoesOn() throws Exception {
        dropJames(in(), "a-bad", plain(), Messages.raw("bad", "b\r\n"), true);
        Files.writeString(in.resolve("a-bad.eml"), "truncated");
        dropJames(in, "b-good", plain(), Messages.raw("good", "b\r\n"), true);
        Requeuer r = requeuer(SpoolFormat.JAMES);
        Files.delete(in.resolve("failed"));
        Files.writeString(in.resolve("failed"), "not a directory");

        Requeuer.Result res = r.runOnce();
        assertThat(res.requeued()).containsExactly("b-good");
        assertThat(res.retrying()).containsKey("a-bad");
        assertThat(in.resolve("claimed").resolve(NODE).resolve("a-bad.json")).exists();

        Files.delete(in.resolve("failed"));
        Requeuer.Result later = r.runOnce();
        assertThat(later.failed()).containsKey("a-bad");
        assertThat(in.resolve("failed").resolve("a-bad.json")).exists();
        assertThat(in.resolve("failed").resolve("a-bad.eml")).exists();
    }

    @Test
    void aRemovedDoneDirectoryIsMadeAgain() throws Exception {
        Requeuer r = requeuer(SpoolFormat.JAMES);
        Files.delete(in.resolve("done"));
        dropJames(in, "id-1", plain(), Messages.raw("x", "b\r\n"), true);
        assertThat(r.runOnce().requeued()).containsExactly("id-1");
        assertThat(in.resolve("done").resolve("id-1.json")).exists();
    }

    // ---------------------------------------------------------------- unsafe directories refused at start

    @ParameterizedTest
    @ValueSource(strings = {"rwxrwxrwx", "rwxrwx---", "rwx---rwx", "rwxrwxrwt"})
    void anIncomingDirectoryWritableByOthersIsRefused(String mode) throws Exception {
        Files.setPosixFilePermissions(in(), PosixFilePermissions.fromString(mode.replace('t', 'x')));
        if (mode.endsWith("t")) {
            assertThat(new ProcessBuilder("chmod", "+t", in.toString()).start().waitFor()).isZero();
        }
        assertThatThrownBy(() -> requeuer(SpoolFormat.JAMES)).isInstanceOf(IOException.class)
                .hasMessageContaining(in.toString()).hasMessageContaining("writable by group or others");
    }

    @Test
    void anIncomingDirectoryOwnedByAnotherUserIsRefused() throws Exception {
        Files.setOwner(in(), in().getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(NOBODY));
        assertThatThrownBy(() -> requeuer(SpoolFormat.JAMES)).isInstanceOf(IOException.class)
                .hasMessageContaining(in.toString()).hasMessageContaining("owned by uid");
    }

    @Test
    void aParentWritableByOthersIsRefusedUnlessSticky() throws Exception {
        Path open = Files.createDirectories(tmp.resolve("open"));
        in = Files.createDirectories(open.resolve("in"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> requeuer(SpoolFormat.JAMES)).isInstanceOf(IOException.class)
                .hasMessageContaining("parent " + open).hasMessageContaining("writable by group or others");
        assertThat(new ProcessBuilder("chmod", "+t", open.toString()).start().waitFor()).isZero();
        assertThat(requeuer(SpoolFormat.JAMES)).isNotNull();
    }
}
