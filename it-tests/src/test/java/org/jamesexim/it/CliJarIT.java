package org.jamesexim.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped CLI JAR ({@code cli/target/james-exim-cli.jar}) as operators pipe it: {@code java -jar}, stdout holds
 * only the answer and stderr stays empty unless something went wrong (no SLF4J provider warnings from dnsjava).
 */
class CliJarIT {
    private static final String MESSAGE = "From: someone@example.net\r\nTo: demo@example.test\r\nSubject: cli\r\n\r\nhello\r\n";

    /** One run of the JAR: exit code, stdout, stderr. */
    private static final class Run {
        final int exit;
        final String out;
        final String err;

        Run(int exit, String out, String err) {
            this.exit = exit;
            this.out = out;
            this.err = err;
        }
    }

    private static Run cli(String stdin, String... args) throws Exception {
        Path jar = Paths.get(System.getProperty("jexim.cli.jar", "../cli/target/james-exim-cli.jar"));
        assertThat(jar).as("the CLI JAR is built before it-tests").isRegularFile();
        List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("cli %s ends", List.of(args)).isTrue();
        return new Run(p.exitValue(), out.get(), err.get());
    }

    private static CompletableFuture<String> drain(InputStream s) {
        return CompletableFuture.supplyAsync(() -> {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try (s) {
                s.transferTo(b);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return b.toString(StandardCharsets.UTF_8);
        });
    }

    @Test
    void commandsThatLoadDnsjavaWriteNothingToStderr(@TempDir Path dir) throws Exception {
        Run arc = cli(MESSAGE, "arc-verify");
        assertThat(arc.err).isEmpty();
        assertThat(arc.exit).isZero();
        assertThat(arc.out).startsWith("{\"state\":\"none\"");

        Path secret = dir.resolve("srs-secret");
        Files.writeString(secret, "a-secret-only-this-test-knows-4f1c");
        Run fwd = cli("", "srs-forward", "--secret", Files.readString(secret), "--alias", "example.test",
            "someone@example.net");
        assertThat(fwd.err).isEmpty();
        assertThat(fwd.exit).isZero();
        String srs = fwd.out.trim();
        assertThat(srs).startsWith("SRS0=").endsWith("@example.test");

        Run rev = cli("", "srs-reverse", "--secret", Files.readString(secret), srs);
        assertThat(rev.err).isEmpty();
        assertThat(rev.out.trim()).isEqualTo("someone@example.net");

        Run list = cli("", "queuefile", "list", dir.toString());
        assertThat(list.err).isEmpty();
        assertThat(list.exit).isZero();

        Run version = cli("", "version");
        assertThat(version.err).isEmpty();
        assertThat(version.out).startsWith("james-exim-pack ");
    }

    @Test
    void aRealErrorIsOneLineOnStderr() throws Exception {
        Run bad = cli("", "srs-reverse", "--secret", "whatever-secret-value", "not-an-srs-address@example.test");
        assertThat(bad.exit).isNotZero();
        assertThat(bad.err.lines()).hasSize(1);
        assertThat(bad.err).doesNotContain("SLF4J").doesNotContain("whatever-secret-value");
    }
}
