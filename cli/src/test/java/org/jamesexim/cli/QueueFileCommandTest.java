package org.jamesexim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.jamesexim.queuefile.SpoolDirectory;
import org.jamesexim.queuefile.SpoolEnvelope;
import org.jamesexim.queuefile.SpoolFormat;
import org.jamesexim.queuefile.SpooledMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueueFileCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path dir;

    private int run(String... args) {
        return Main.run(args, new ByteArrayInputStream(new byte[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void listsAndShowsAnEximDirectory() throws Exception {
        SpoolDirectory sd = SpoolDirectory.open(dir, SpoolFormat.EXIM);
        byte[] raw = "Subject: cli\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        String id = sd.write(new SpooledMessage(null, SpoolEnvelope.builder().sender("a@b.example").addRecipient("c@d.example")
            .addRecipient("e@f.example").build(), raw));
        assertThat(run("queuefile", "list", dir.toString(), "--format", "exim")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(id + " " + raw.length + " <a@b.example> c@d.example e@f.example\n");
        out.reset();
        assertThat(run("queuefile", "show", dir.toString(), id, "--format=exim")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("id: " + id + "\n").contains("sender: <a@b.example>\n")
            .contains("recipient: c@d.example\n");
    }

    @Test
    void reportsUnreadableMessagesAndBadIds() throws Exception {
        SpoolDirectory sd = SpoolDirectory.open(dir, SpoolFormat.JAMES);
        String id = sd.write(new SpooledMessage(null, SpoolEnvelope.builder().addRecipient("c@d.example").build(),
            "Subject: x\r\n\r\ny\r\n".getBytes(StandardCharsets.US_ASCII)));
        Files.writeString(dir.resolve(id + ".eml"), "cut");
        assertThat(run("queuefile", "list", dir.toString())).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith(id + " *** unreadable: ").contains("the envelope says");
        assertThat(run("queuefile", "show", dir.toString(), "../../etc/passwd")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("not a james spool id");
    }
}
