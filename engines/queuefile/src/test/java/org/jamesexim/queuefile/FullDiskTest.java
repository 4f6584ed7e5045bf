package org.jamesexim.queuefile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A write that fails for want of space is a temporary failure, not a loss: the writer runs in a child JVM whose
 * file size limit ({@code ulimit -f}, so every write past it fails with EFBIG as on a full disk) lets the first
 * messages through and not a large one; the large one's write throws (QueueFile then throws, and James keeps the
 * mail), nothing of it is committed or left behind, and the messages written before are complete.
 */
class FullDiskTest {
    @TempDir
    Path tmp;

    /** Child: {@code <dir> <format>}: writes a small message, then a 1 MiB one; prints what happened. */
    public static void main(String[] args) throws Exception {
        SpoolDirectory sd = SpoolDirectory.open(Path.of(args[0]), SpoolFormat.parse(args[1]));
        System.out.println("small " + sd.write(new SpooledMessage(null, Messages.envelope(), Messages.raw("small", "b\r\n"))));
        try {
            sd.write(new SpooledMessage(null, Messages.envelope(), Messages.raw("large", "0123456789abcdef\r\n".repeat(60_000))));
            System.out.println("large written");
        } catch (java.io.IOException e) {
            System.out.println("large refused: " + e);
        }
    }

    @ParameterizedTest
    @EnumSource(SpoolFormat.class)
    void aWriteThatRunsOutOfSpaceThrowsAndLeavesNothingBehind(SpoolFormat format) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("out"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // 256 KiB per file: the small message and the JVM's own files fit, the 1 MiB data file does not
        Process p = new ProcessBuilder("bash", "-c", "ulimit -f 256 && exec \"$0\" -XX:-UsePerfData -Xshare:off -cp \"$1\" "
                + FullDiskTest.class.getName() + " \"$2\" \"$3\"", java, System.getProperty("java.class.path"), dir.toString(), format.configName())
                .redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(out);
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String o = out.toString(StandardCharsets.UTF_8);
        assertThat(o).as(o).contains("large refused").containsIgnoringCase("File too large");
        SpoolDirectory sd = SpoolDirectory.open(dir, format);
        List<String> ids = sd.committedIds();
        assertThat(ids).hasSize(1);
        assertThat(new String(sd.read(ids.get(0)).content(), StandardCharsets.UTF_8)).contains("Subject: small");
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(f -> f.getFileName().toString()).collect(Collectors.toList())).as("no data file of the large one, no temporary file")
                    .containsExactlyInAnyOrder(SpoolDirectory.commitFileName(format, ids.get(0)), SpoolDirectory.dataFileName(format, ids.get(0)));
        }
    }
}
