package org.jamesexim.queuefile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SpoolDirectoryTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(SpoolFormat.class)
    void roundTripKeepsEnvelopeAndBytes(SpoolFormat format) throws Exception {
        SpoolDirectory sd = SpoolDirectory.open(dir, format);
        byte[] raw = Messages.raw("round trip", "line one\r\n\r\n.leading dot\r\nlast line\r\n");
        String id = sd.write(new SpooledMessage(null, Messages.envelope(), raw));

        assertThat(sd.committedIds()).containsExactly(id);
        SpooledMessage back = sd.read(id);
        assertThat(back.content()).isEqualTo(raw);
        assertThat(back.envelope()).isEqualTo(Messages.envelope());
        assertThat(back.id()).isEqualTo(id);

        try (Stream<Path> files = Files.list(dir)) {
            List<Path> all = files.collect(Collectors.toList());
            assertThat(all).extracting(p -> p.getFileName().toString())
                    .containsExactlyInAnyOrder(SpoolDirectory.commitFileName(format, id), SpoolDirectory.dataFileName(format, id));
            for (Path p : all) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).isEqualTo("rw-------");
            }
        }
    }

    @Test
    void eximPairLooksLikeEximsOwn() throws Exception {
        SpoolDirectory sd = SpoolDirectory.open(dir, SpoolFormat.EXIM);
        byte[] raw = Messages.raw("exim form", "body 1\r\nbody 2\r\n");
        String id = sd.write(new SpooledMessage(null, Messages.envelope(), raw));
        assertThat(id).matches("[0-9A-Za-z]{6}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2}");

        String h = Files.readString(dir.resolve(id + "-H"), StandardCharsets.ISO_8859_1);
        assertThat(h).startsWith(id + "-H\n");
        assertThat(h).contains("\n<alice@sender.example>\n1795629033 0\n-received_time_usec .896036\n--helo_name client.example\n"
                + "--host_address [192.0.2.10]:0\n--host_name client.example\n--auth_id alice\n--aclm _scan 5\nclean\n");
        assertThat(h).contains("-body_linecount 2\n-deliver_firsttime\n--dsn_envid env-123\n-dsn_ret 2\nXX\n2\n"
                + "bob@test.example rfc822;bob@orig.example 23,12  0,-1#3\ncarol@test.example\n\n");
        assertThat(h).contains("\n035F From: Alice <alice@sender.example>\n").contains("\n041T To: bob@test.example, carol@test.example\n")
                .contains("P Received: from client.example ([192.0.2.10])\n\tby james.example.test with SMTP;\n");
        assertThat(Files.readString(dir.resolve(id + "-D"), StandardCharsets.ISO_8859_1)).isEqualTo(id + "-D\nbody 1\nbody 2\n");
    }

    @Test
    void incompleteOrTamperedMessagesAreNeverReturned() throws Exception {
        SpoolDirectory sd = SpoolDirectory.open(dir, SpoolFormat.JAMES);
        String id = sd.write(new SpooledMessage(null, Messages.envelope(), Messages.raw("x", "body\r\n")));
        Path eml = dir.resolve(id + ".eml");
        byte[] full = Files.readAllBytes(eml);
        Files.write(eml, java.util.Arrays.copyOf(full, full.length - 3));
        assertThatThrownBy(() -> sd.read(id)).isInstanceOf(SpoolFormatException.class).hasMessageContaining("the envelope says");
        full[full.length - 3] = 'X';
        Files.write(eml, full);
        assertThatThrownBy(() -> sd.read(id)).isInstanceOf(SpoolFormatException.class).hasMessageContaining("sha256");
        Files.delete(eml);
        assertThatThrownBy(() -> sd.read(id)).isInstanceOf(SpoolFormatException.class).hasMessageContaining("is missing");
    }

    @Test
    void namesCannotEscapeTheDirectory() throws Exception {
        SpoolDirectory sd = SpoolDirectory.open(dir, SpoolFormat.JAMES);
        assertThatThrownBy(() -> sd.read("../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SpoolDirectory.open(dir.resolve("missing"), SpoolFormat.JAMES)).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> SpoolDirectory.open(Path.of("relative/dir"), SpoolFormat.JAMES)).hasMessageContaining("not absolute");
        Path link = dir.resolve("link");
        Files.createSymbolicLink(link, dir);
        assertThatThrownBy(() -> SpoolDirectory.open(link, SpoolFormat.EXIM)).hasMessageContaining("symbolic link");
        Files.writeString(dir.resolve("..json"), "{}");
        Files.writeString(dir.resolve(".tmp-abc.json.1"), "{}");
        assertThat(sd.committedIds()).isEmpty();
    }

    @Test
    void envelopeVersionsAreChecked() throws Exception {
        JamesEnvelopeCodec codec = new JamesEnvelopeCodec();
        String json = new String(codec.encode(Messages.envelope(), "id1", "id1.eml", 3, "x"), StandardCharsets.UTF_8);
        assertThat(codec.decode(json.replace("\"version\":1", "\"version\":1,\"futureField\":true").getBytes(StandardCharsets.UTF_8), "t")
                .envelope()).isEqualTo(Messages.envelope());
        assertThatThrownBy(() -> codec.decode(json.replace("\"version\":1", "\"version\":2").getBytes(StandardCharsets.UTF_8), "t"))
                .hasMessageContaining("envelope version 2 is not supported");
        assertThatThrownBy(() -> codec.decode("{\"format\":\"other\"}".getBytes(StandardCharsets.UTF_8), "t")).hasMessageContaining("not a jexim-queuefile");
    }

    @Test
    void nullSenderAndUtf8SurviveTheEximFormat() throws Exception {
        SpoolDirectory sd = SpoolDirectory.open(dir, SpoolFormat.EXIM);
        SpoolEnvelope env = SpoolEnvelope.builder().sender(null).addRecipient("josé@exämple.test").build();
        byte[] raw = "Subject: café\r\n\r\nbody without final newline".getBytes(StandardCharsets.UTF_8);
        String id = sd.write(new SpooledMessage(null, env, raw));
        assertThat(Files.readString(dir.resolve(id + "-H"), StandardCharsets.ISO_8859_1)).contains("\n<>\n").contains("\n015  Subject: caf");
        SpooledMessage back = sd.read(id);
        assertThat(back.envelope().sender()).isNull();
        assertThat(back.envelope().recipients()).extracting(SpoolRecipient::address).containsExactly("josé@exämple.test");
        assertThat(back.content()).isEqualTo(raw);
    }

    @Test
    void concurrentWritersNeverShareAnId() throws Exception {
        SpoolDirectory a = SpoolDirectory.open(dir, SpoolFormat.EXIM);
        SpoolDirectory b = SpoolDirectory.open(dir, SpoolFormat.EXIM);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<String>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            SpoolDirectory sd = i % 2 == 0 ? a : b;
            int n = i;
            futures.add(pool.submit(() -> sd.write(new SpooledMessage(null, Messages.envelope(), Messages.raw("m" + n, "b" + n + "\r\n")))));
        }
        List<String> ids = Collections.synchronizedList(new ArrayList<>());
        for (Future<String> f : futures) {
            ids.add(f.get(60, TimeUnit.SECONDS));
        }
        pool.shutdown();
        assertThat(Set.copyOf(ids)).hasSize(200);
        assertThat(a.committedIds()).hasSize(200);
        for (String id : ids) {
            assertThat(new String(a.read(id).content(), StandardCharsets.UTF_8)).contains("Subject: m");
        }
    }

    static void touch(Path p) throws IOException {
        Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
    }
}
