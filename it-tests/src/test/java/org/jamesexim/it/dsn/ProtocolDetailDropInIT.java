package org.jamesexim.it.dsn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.jamesexim.it.DropInJames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ProtocolDetailHook loaded from {@code extensions-jars/} (a separate James JVM without the pack on its class path):
 * its Netty handler, a class of the extension loader in James's pipeline, turns the TLS QUIT-then-reset into the one
 * INFO line, read from James's console log; James's "Unable to process request" never appears.
 */
class ProtocolDetailDropInIT {
    private static final String LINE = "org.jamesexim.smtp.ProtocolDetail - [127.0.0.1] after QUIT, client reset TCP before SMTP response and TLS close";

    @Test
    void theHookFromTheDropInJarLogsTheLine(@TempDir Path work) throws Exception {
        Path config = DropInJames.sampleConfig(work.resolve("config"));
        Files.writeString(config.resolve("smtpserver.xml"), ProtocolDetailIT.tlsSmtpServerXml(true, true));
        ProtocolDetailIT.makeKeystore(config);
        try (DropInJames james = DropInJames.start(work, config)) {
            boolean seen = false;
            for (int attempt = 0; attempt < 40 && !seen; attempt++) {
                ProtocolDetailIT.tlsClient(james.smtpPort(), true, true);
                Thread.sleep(400);
                seen = james.output().stream().anyMatch(l -> l.contains(LINE));
            }
            String out = String.join("\n", james.output());
            assertThat(seen).as("the protocol_detail line in James's log:\n" + out).isTrue();
            assertThat(out).doesNotContain("Unable to process request").doesNotContain("protocol_detail is off");
        }
    }
}
