package org.jamesexim.queuefile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a file in the incoming directory says is not believed by default: it cannot grant relay (an authenticated
 * user, a remote address such as 127.0.0.1, James's own marks among the attributes), set a processor or an error
 * message; it keeps what any SMTP client could have sent (sender, recipients, DSN, HELO, the bytes). With
 * {@code trustEnvelope} everything is kept, except a remote address that is not an IP literal.
 */
class UntrustedEnvelopeTest {
    static final String NODE = "node-1";

    @TempDir
    Path in;

    TestSink sink = new TestSink();

    Requeuer requeuer(SpoolFormat format) throws Exception {
        return Requeuer.create(in, NODE, format, sink, true, Duration.ZERO, Clock.systemUTC());
    }

    /** A file claiming everything that grants relay or routes mail in James. */
    static SpoolEnvelope claimingRelay() {
        return SpoolEnvelope.builder()
                .name("Mail-forged")
                .sender("mallory@evil.example")
                .addRecipient("victim@elsewhere.example")
                .state("relay")
                .errorMessage("forged")
                .remoteAddr("127.0.0.1")
                .remoteHost("localhost")
                .remotePort(25)
                .heloName("localhost")
                .authUser("postmaster@example.test")
                .dsnEnvid("env-1")
                .attribute("org.apache.james.SMTPIsAuthNetwork", "{\"serializer\":\"BooleanSerializer\",\"value\":true}")
                .attribute("org.apache.james.SMTPAuthUser", "{\"serializer\":\"StringSerializer\",\"value\":\"postmaster@example.test\"}")
                .attribute("org.apache.james.SentByMailet", "{\"serializer\":\"StringSerializer\",\"value\":\"true\"}")
                .attribute("jexim.acl_m_scan", "{\"serializer\":\"StringSerializer\",\"value\":\"clean\"}")
                .attribute("jexim.dcc_result", "{\"serializer\":\"StringSerializer\",\"value\":\"accept\"}")
                .unrepresentedAttribute("org.example.opaque")
                .build();
    }

    @ParameterizedTest
    @EnumSource(SpoolFormat.class)
    void aDroppedFileCannotGrantRelayOrChooseTheProcessor(SpoolFormat format) throws Exception {
        SpoolDirectory sd = SpoolDirectory.open(in, format);
        String id = sd.write(new SpooledMessage(null, claimingRelay(), Messages.raw("relay me", "b\r\n")));
        assertThat(requeuer(format).runOnce().requeued()).containsExactly(id);
        SpoolEnvelope e = sink.held.get(Requeuer.key(id)).envelope();
        assertThat(e.authUser()).isNull();
        assertThat(e.remoteAddr()).isNull();
        assertThat(e.remoteHost()).isNull();
        assertThat(e.remotePort()).isZero();
        assertThat(e.attributes()).isEmpty();
        assertThat(e.unrepresentedAttributes()).isEmpty();
        assertThat(e.state()).isNull();
        assertThat(e.errorMessage()).isNull();
        // what any SMTP client sends stays
        assertThat(e.sender()).isEqualTo("mallory@evil.example");
        assertThat(e.recipients()).extracting(SpoolRecipient::address).containsExactly("victim@elsewhere.example");
        assertThat(e.heloName()).isEqualTo("localhost");
        assertThat(e.dsnEnvid()).isEqualTo("env-1");
    }

    @ParameterizedTest
    @EnumSource(SpoolFormat.class)
    void aTrustedDirectoryKeepsTheWholeEnvelope(SpoolFormat format) throws Exception {
        SpoolDirectory sd = SpoolDirectory.open(in, format);
        String id = sd.write(new SpooledMessage(null, claimingRelay(), Messages.raw("trusted", "b\r\n")));
        Requeuer r = Requeuer.create(in, NODE, format, sink, RequeueSettings.builder().trustEnvelope(true).build());
        assertThat(r.runOnce().requeued()).containsExactly(id);
        SpoolEnvelope e = sink.held.get(Requeuer.key(id)).envelope();
        assertThat(e.authUser()).isEqualTo("postmaster@example.test");
        assertThat(e.remoteAddr()).isEqualTo("127.0.0.1");
        assertThat(e.remotePort()).isEqualTo(25);
        assertThat(e.errorMessage()).isEqualTo("forged");
        assertThat(e.attributes()).containsKeys("org.apache.james.SMTPIsAuthNetwork", "org.apache.james.SMTPAuthUser",
                "org.apache.james.SentByMailet", "jexim.acl_m_scan", "jexim.dcc_result");
    }

    @Test
    void evenTrustedARemoteAddressThatIsNoIpLiteralIsDropped() {
        SpoolEnvelope e = claimingRelay().toBuilder().remoteAddr("localhost").build();
        SpoolEnvelope t = EnvelopeTrust.trusted(e);
        assertThat(t.remoteAddr()).isNull();
        assertThat(t.remoteHost()).isNull();
        assertThat(t.authUser()).isEqualTo("postmaster@example.test");
    }

    @Test
    void ipLiterals() {
        for (String ok : new String[] {"127.0.0.1", "0.0.0.0", "192.0.2.10", "255.255.255.255", "::1", "2001:db8::1", "::ffff:192.0.2.1"}) {
            assertThat(EnvelopeTrust.isIpLiteral(ok)).as(ok).isTrue();
        }
        for (String bad : new String[] {"", "localhost", "256.0.0.1", "1.2.3", "01.2.3.4", "[::1]", "fe80::1%eth0", "1.2.3.4 ", "example.com",
                "::g", "1:2:3:4:5:6:7:8:9"}) {
            assertThat(EnvelopeTrust.isIpLiteral(bad)).as(bad).isFalse();
        }
    }
}
