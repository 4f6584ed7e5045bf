package org.jamesexim.it.dsn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jamesexim.it.DropInClasspath;
import org.jamesexim.it.JamesHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ProtocolDetailHook loaded from {@code extensions-jars/} (a separate James JVM without the pack on its class path):
 * its Netty handler, a class of the extension loader in James's pipeline, turns the TLS QUIT-then-reset into the one
 * INFO line, read from James's console log; James's "Unable to process request" never appears.
 */
class ProtocolDetailDropInIT {
    private static final Pattern READY = Pattern.compile("JAMES READY smtp=127\\.0\\.0\\.1:(\\d+)");
    private static final String LINE = "org.jamesexim.smtp.ProtocolDetail - [127.0.0.1] after QUIT, client reset TCP before SMTP response and TLS close";

    @Test
    void theHookFromTheDropInJarLogsTheLine(@TempDir Path work) throws Exception {
        Path jar = Paths.get(System.getProperty("jexim.pack.jar"));
        assertThat(jar).as("the drop-in JAR is built by the package phase").isRegularFile();
        Path config = work.resolve("config");
        Files.createDirectories(config);
        try (Stream<Path> files = Files.list(JamesHarness.defaultConfigDir())) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f)) {
                    Files.copy(f, config.resolve(f.getFileName()));
                }
            }
        }
        Files.writeString(config.resolve("smtpserver.xml"), ProtocolDetailIT.tlsSmtpServerXml(true, true));
        ProtocolDetailIT.makeKeystore(config);

        Path log = work.resolve("james.log");
        List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
            "-Djames.exit.on.startup.error=false", "-Djames.lifecycle.leak.detection.mode=NONE",
            "-cp", DropInClasspath.withoutPack(), "org.jamesexim.it.EmbeddedJames", "--config-dir", config.toString(),
            "--random-ports", "--work-dir", work.resolve("james").toString(), "--extension-jar", jar.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            int smtp = Integer.parseInt(awaitReady(p, log).group(1));
            boolean seen = false;
            for (int attempt = 0; attempt < 40 && !seen; attempt++) {
                ProtocolDetailIT.tlsClient(smtp, true, true);
                Thread.sleep(400);
                seen = Files.readString(log, StandardCharsets.UTF_8).contains(LINE);
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(seen).as("the protocol_detail line in James's log:\n" + out).isTrue();
            assertThat(out).doesNotContain("Unable to process request").doesNotContain("protocol_detail is off");
        } finally {
            p.destroy();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private static Matcher awaitReady(Process p, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline && p.isAlive()) {
            Matcher m = READY.matcher(Files.readString(log, StandardCharsets.UTF_8));
            if (m.find()) {
                return m;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("James did not start; output:\n" + Files.readString(log));
    }
}
