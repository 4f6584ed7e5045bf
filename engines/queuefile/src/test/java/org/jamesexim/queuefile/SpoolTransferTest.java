package org.jamesexim.queuefile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** SpoolTransfer (WebAdmin's requeue and delete) and SpoolListing (what the CLI and WebAdmin show). */
class SpoolTransferTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(SpoolFormat.class)
    void moveHandsTheMessageToTheOtherDirectoryWhole(SpoolFormat format) throws Exception {
        SpoolDirectory out = SpoolDirectory.open(Files.createDirectory(tmp.resolve("out")), format);
        SpoolDirectory in = SpoolDirectory.open(Files.createDirectory(tmp.resolve("in")), format);
        byte[] raw = Messages.raw("transfer", "body\r\n");
        String id = out.write(new SpooledMessage(null, Messages.envelope(), raw));
        assertThat(SpoolTransfer.committed(out, id)).isTrue();

        SpoolTransfer.move(out, id, in);

        assertThat(out.committedIds()).isEmpty();
        assertThat(Files.list(out.directory()).filter(p -> p.getFileName().toString().startsWith(id))).isEmpty();
        assertThat(in.committedIds()).containsExactly(id);
        SpooledMessage back = in.read(id);
        assertThat(back.content()).isEqualTo(raw);
        assertThat(back.envelope().recipients()).isEqualTo(Messages.envelope().recipients());
        assertThatThrownBy(() -> SpoolTransfer.move(out, id, in)).isInstanceOf(NoSuchFileException.class);
    }

    @ParameterizedTest
    @EnumSource(SpoolFormat.class)
    void deleteRemovesBothFilesCommitFileFirst(SpoolFormat format) throws Exception {
        SpoolDirectory out = SpoolDirectory.open(Files.createDirectory(tmp.resolve("out")), format);
        String id = out.write(new SpooledMessage(null, Messages.envelope(), Messages.raw("delete", "body\r\n")));
        SpoolTransfer.delete(out, id);
        assertThat(SpoolTransfer.committed(out, id)).isFalse();
        assertThat(Files.list(out.directory())).isEmpty();
        assertThatThrownBy(() -> SpoolTransfer.delete(out, id)).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> SpoolTransfer.delete(out, "../../etc/passwd")).isInstanceOf(NoSuchFileException.class)
            .hasMessageContaining("not a");
    }

    @ParameterizedTest
    @EnumSource(SpoolFormat.class)
    void refusesOtherFormatsAndNeverReplacesAMessage(SpoolFormat format) throws Exception {
        SpoolFormat other = format == SpoolFormat.JAMES ? SpoolFormat.EXIM : SpoolFormat.JAMES;
        SpoolDirectory out = SpoolDirectory.open(Files.createDirectory(tmp.resolve("out")), format);
        SpoolDirectory wrong = SpoolDirectory.open(Files.createDirectory(tmp.resolve("wrong")), other);
        SpoolDirectory in = SpoolDirectory.open(Files.createDirectory(tmp.resolve("in")), format);
        String id = out.write(new SpooledMessage(null, Messages.envelope(), Messages.raw("refused", "body\r\n")));
        assertThatThrownBy(() -> SpoolTransfer.move(out, id, wrong)).isInstanceOf(IOException.class).hasMessageContaining("format");

        Path existing = in.directory().resolve(SpoolDirectory.dataFileName(format, id));
        Files.writeString(existing, "someone else's");
        assertThatThrownBy(() -> SpoolTransfer.move(out, id, in)).isInstanceOf(IOException.class).hasMessageContaining("already has");
        assertThat(Files.readString(existing)).isEqualTo("someone else's");
        assertThat(SpoolTransfer.committed(out, id)).as("left where it was").isTrue();
        assertThat(out.read(id).content()).isEqualTo(Messages.raw("refused", "body\r\n"));
    }

    @ParameterizedTest
    @EnumSource(SpoolFormat.class)
    void listingLinesAreWhatTheCliAlwaysPrinted(SpoolFormat format) throws Exception {
        SpoolDirectory out = SpoolDirectory.open(Files.createDirectory(tmp.resolve("out")), format);
        byte[] raw = Messages.raw("listing", "body\r\n");
        String id = out.write(new SpooledMessage(null, Messages.envelope(), raw));
        SpooledMessage m = out.read(id);

        Map<String, Object> summary = SpoolListing.summary(m);
        assertThat(summary).containsEntry("id", id).containsEntry("size", raw.length).containsEntry("sender", "alice@sender.example")
            .containsEntry("recipients", List.of("bob@test.example", "carol@test.example"));
        assertThat(SpoolListing.line(summary)).isEqualTo(id + " " + raw.length + " <alice@sender.example> bob@test.example carol@test.example");
        assertThat(SpoolListing.line(SpoolListing.unreadable("x1", "broken"))).isEqualTo("x1 *** unreadable: broken");

        List<String> lines = SpoolListing.lines(SpoolListing.details(m));
        assertThat(lines).startsWith("id: " + id, "size: " + raw.length);
        assertThat(lines).contains("sender: <alice@sender.example>", "recipient: " + m.envelope().recipients().get(0),
            "header for bob@test.example: X-For-Bob: yes", "attribute org.example.opaque (not representable, not kept)");
    }
}
