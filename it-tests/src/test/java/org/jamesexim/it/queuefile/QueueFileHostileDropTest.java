package org.jamesexim.it.queuefile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.jamesexim.it.JamesHarness;
import org.jamesexim.queuefile.SpoolDirectory;
import org.jamesexim.queuefile.SpoolEnvelope;
import org.jamesexim.queuefile.SpoolFormat;
import org.jamesexim.queuefile.SpooledMessage;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A file dropped into the incoming directory of a real James 3.8.1 (the queuefile example configuration) claiming
 * everything that makes James relay: client 127.0.0.1, an authenticated user, James's own
 * {@code SMTPIsAuthNetwork} and {@code SMTPAuthUser} attributes, for a recipient on another domain. With the default
 * settings the mail is not relayed: the example's transport processor sends it to {@code local-address-error} (no such
 * user here), as for any SMTP client; only with {@code trustEnvelope=true} does the same file reach {@code relay}.
 * Probes (QueueFile, ghosting) at the top of {@code relay} and {@code local-address-error} record where it went and
 * what it carried, and keep it from going further.
 */
class QueueFileHostileDropTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aFileClaimingRelayIsRelayedOnlyFromATrustedDirectory(boolean trusted) throws Exception {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Path in = Files.createDirectories(tmp.resolve("in"));
        Path after = Files.createDirectories(tmp.resolve("after"));
        Path relayed = Files.createDirectories(tmp.resolve("relayed"));
        Path refused = Files.createDirectories(tmp.resolve("refused"));
        String xml = QueueFileRoundTripTest.mailetContainer(SpoolFormat.JAMES, out, after);
        xml = probe(xml, "relay", relayed);
        xml = probe(xml, "local-address-error", refused);
        try (JamesHarness james = JamesHarness.builder()
                .config("mailetcontainer.xml", xml)
                .extraConfig("queuefile.properties", QueueFileRoundTripTest.properties(SpoolFormat.JAMES, in) + (trusted ? "trustEnvelope=true\n" : ""))
                .extraConfig("extensions.properties", Files.readString(QueueFileRoundTripTest.examples().resolve("queuefile-extensions.properties")))
                .start()) {
            // what a hostile writer of the incoming directory drops there (data file first, then the envelope, as a scanner does)
            Path staging = Files.createDirectories(tmp.resolve("staging"));
            String id = SpoolDirectory.open(staging, SpoolFormat.JAMES).write(new SpooledMessage(null, SpoolEnvelope.builder()
                    .sender("mallory@evil.example")
                    .addRecipient("victim@elsewhere.example")
                    .remoteAddr("127.0.0.1")
                    .remoteHost("localhost")
                    .authUser(JamesHarness.DEMO_USER)
                    .state("relay")
                    .attribute("org.apache.james.SMTPIsAuthNetwork", "{\"serializer\":\"BooleanSerializer\",\"value\":true}")
                    .attribute("org.apache.james.SMTPAuthUser", "{\"serializer\":\"StringSerializer\",\"value\":\"" + JamesHarness.DEMO_USER + "\"}")
                    .build(), "From: mallory@evil.example\r\nSubject: relay me\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)));
            Files.move(staging.resolve(id + ".eml"), in.resolve(id + ".eml"), StandardCopyOption.ATOMIC_MOVE);
            Files.move(staging.resolve(id + ".json"), in.resolve(id + ".json"), StandardCopyOption.ATOMIC_MOVE);

            SpoolDirectory where = SpoolDirectory.open(trusted ? relayed : refused, SpoolFormat.JAMES);
            SpoolEnvelope seen = where.read(QueueFileRoundTripTest.await(where, 1).get(0)).envelope();
            assertThat(SpoolDirectory.open(trusted ? refused : relayed, SpoolFormat.JAMES).committedIds()).isEmpty();
            assertThat(seen.recipients()).extracting(r -> r.address()).containsExactly("victim@elsewhere.example");
            if (trusted) {
                assertThat(seen.remoteAddr()).isEqualTo("127.0.0.1");
                assertThat(seen.attributes()).containsKeys("org.apache.james.SMTPIsAuthNetwork", "org.apache.james.SMTPAuthUser");
            } else {
                assertThat(seen.remoteAddr()).isEqualTo("0.0.0.0");
                assertThat(seen.attributes()).doesNotContainKeys("org.apache.james.SMTPIsAuthNetwork", "org.apache.james.SMTPAuthUser");
                assertThat(seen.attributes().keySet()).containsExactly("jexim.queuefile_id");
            }
            assertThat(in.resolve("done").resolve(id + ".json")).exists();
            assertThat(james.awaitMailbox(JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD, 0, Duration.ofMillis(200))).isEmpty();
        }
    }

    /** A ghosting QueueFile into {@code dir} at the top of {@code processor}. */
    static String probe(String xml, String processor, Path dir) {
        String head = "        <processor state=\"" + processor + "\" enableJmx=\"false\">\n";
        assertThat(xml).contains(head);
        return xml.replace(head, head
                + "            <mailet match=\"All\" class=\"org.jamesexim.mailets.QueueFile\">\n"
                + "                <directory>" + dir + "</directory>\n"
                + "            </mailet>\n");
    }
}
