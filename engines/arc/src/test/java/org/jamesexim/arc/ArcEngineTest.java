package org.jamesexim.arc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Behaviour of the engine outside the test suite: keys, options, DNS failures, expiry, A-R consolidation. */
class ArcEngineTest {
    static final long NOW = 1_764_000_000L;
    static final String MSG = "Authentication-Results: mx.a.example (version 1) 1; spf=pass smtp.mailfrom=x@y.example\r\n"
            + "Authentication-Results: other.example; dkim=fail\r\n"
            + "Authentication-Results: MX.A.EXAMPLE; dkim=pass (good \"sig\"; really) header.i=@y.example\r\n"
            + "From: x@y.example\r\nTo: z@a.example\r\nSubject: t\r\n\r\nhello\r\n";
    static final TestKeys KEY = TestKeys.rsa(2048);

    static ArcSealer.Builder sealer(TestKeys k) {
        return ArcSealer.builder().authservId("mx.a.example").domain("a.example").selector("s").key(k.signingKey());
    }

    static ArcVerifier verifier(TestKeys k) {
        return new ArcVerifier(new StaticTxtResolver(Map.of("s._domainkey.a.example", k.record)));
    }

    static MailMessage msg(String s) {
        return MailMessage.parse(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aarConsolidatesOurResultsOnlyWithCommentsAndVersionTokens() {
        ArcSealResult r = sealer(KEY).build().seal(msg(MSG), null, NOW);
        String aar = AuthResults.compress(r.arcAuthenticationResults().value());
        assertThat(aar).isEqualTo("i=1; mx.a.example; spf=pass smtp.mailfrom=x@y.example;"
                + " dkim=pass (good \"sig\"; really) header.i=@y.example");
        assertThat(verifier(KEY).verify(MailMessage.parse(r.applyTo(msg(MSG))), NOW).state()).isEqualTo(ArcState.PASS);
    }

    @Test
    void ed25519SealsAndVerifies() {
        TestKeys ed = TestKeys.ed25519();
        ArcSealResult r = sealer(ed).build().seal(msg(MSG), null, NOW);
        assertThat(r.arcSeal().value()).contains("a=ed25519-sha256");
        ArcVerification v = verifier(ed).verify(MailMessage.parse(r.applyTo(msg(MSG))), NOW);
        assertThat(v.state()).as(v.reason()).isEqualTo(ArcState.PASS);
        // a key record of the wrong type fails
        assertThat(verifier(KEY).verify(MailMessage.parse(r.applyTo(msg(MSG))), NOW).reason()).contains("key type");
    }

    @Test
    void keyFormats(@TempDir Path dir) throws Exception {
        Ed25519PrivateKeyParameters seed = new Ed25519PrivateKeyParameters(new java.security.SecureRandom());
        assertThat(SigningKey.parse(Base64.getEncoder().encodeToString(seed.getEncoded()), "seed").algorithm())
                .isEqualTo(SignatureAlgorithm.ED25519_SHA256);
        assertThat(SigningKey.parse(KEY.pem, "pkcs1").bits()).isEqualTo(2048);
        Path file = KEY.write(dir, "k.pem");
        assertThat(SigningKey.fromConfig(file.toString())).isPresent();
        // a key file others may read is refused, naming the file and its mode, never its content
        for (String mode : new String[] {"rw-r--r--", "rw-r-----", "rw-----w-"}) {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString(mode));
            assertThatThrownBy(() -> SigningKey.fromConfig(file.toString())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("chmod 600")
                    .hasMessageNotContaining("PRIVATE");
        }
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("r--------"));
        assertThat(SigningKey.fromConfig(file.toString())).isPresent();
        assertThat(SigningKey.fromConfig("0")).isEmpty();
        assertThat(SigningKey.fromConfig("false")).isEmpty();
        assertThat(SigningKey.fromConfig("  ")).isEmpty();
        assertThat(SigningKey.fromConfig(null)).isEmpty();
        assertThatThrownBy(() -> SigningKey.parse(TestKeys.rsa(512).pem, "short")).hasMessageContaining("512 bits");
        assertThatThrownBy(() -> SigningKey.fromConfig(dir.resolve("missing.pem").toString()))
                .hasMessageContaining("cannot read");
        String garbage = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----";
        assertThatThrownBy(() -> SigningKey.parse(garbage, "inline")).hasMessage("inline: malformed private key");
        Files.delete(file);
    }

    /** One ARC set of instance {@code i} sealed (badly: nothing here verifies) by {@code d}. */
    static String arcSet(int i, String d) {
        return "ARC-Seal: i=" + i + "; a=rsa-sha256; cv=" + (i == 1 ? "none" : "pass") + "; d=" + d + "; s=s; b=AAAA\r\n"
                + "ARC-Message-Signature: i=" + i + "; a=rsa-sha256; d=" + d + "; s=s; h=from; bh=AAAA; b=AAAA\r\n"
                + "ARC-Authentication-Results: i=" + i + "; mx." + d + "; spf=pass\r\n";
    }

    @Test
    void aProblemInstanceKeepsItsEmptyElementInTheDomains() {
        String body = "From: x@y.example\r\nSubject: t\r\n\r\nhello\r\n";
        // instance 2 absent: Exim's $arc_domains is "one.example::three.example", not "one.example:three.example"
        ArcVerification gap = new ArcVerifier(name -> List.of()).verify(msg(arcSet(3, "three.example") + arcSet(1, "one.example") + body), NOW);
        assertThat(gap.state()).isEqualTo(ArcState.FAIL);
        assertThat(gap.reason()).isEqualTo("i=2 (sequence; expected 2)");
        assertThat(gap.domains()).containsExactly("one.example", "", "three.example");
        assertThat(gap.domainsColonList()).isEqualTo("one.example::three.example");
        // instance 2 without its seal, and a seal whose d= is no domain name: an empty element each, in place
        String noSeal = arcSet(2, "two.example").replaceFirst("ARC-Seal: [^\r]*\r\n", "");
        assertThat(new ArcVerifier(name -> List.of()).verify(msg(noSeal + arcSet(1, "one.example") + body), NOW).domainsColonList())
                .isEqualTo("one.example:");
        assertThat(new ArcVerifier(name -> List.of()).verify(msg(arcSet(2, "two example") + arcSet(1, "one.example") + body), NOW)
                .domainsColonList()).isEqualTo("one.example:");
        // the newest instance absent leaves no trailing element: the list ends at the highest instance seen
        assertThat(new ArcVerifier(name -> List.of()).verify(msg(arcSet(1, "one.example") + body), NOW).domainsColonList())
                .isEqualTo("one.example");
    }

    @Test
    void timestampsAndExpireOptions() {
        ArcSealResult plain = sealer(KEY).timestamps(false).build().seal(msg(MSG), null, NOW);
        assertThat(plain.arcSeal().value()).doesNotContain("t=");
        assertThat(plain.arcMessageSignature().value()).doesNotContain("t=").doesNotContain("x=");
        assertThat(sealer(KEY).expire("expire").build().seal(msg(MSG), null, NOW).arcMessageSignature().value())
                .contains("x=" + (NOW + 2_592_000));
        assertThat(sealer(KEY).expire("expire=+60").build().seal(msg(MSG), null, NOW).arcMessageSignature().value())
                .contains("x=" + (NOW + 60));
        assertThat(sealer(KEY).expire("+0").build().seal(msg(MSG), null, NOW).arcMessageSignature().value())
                .contains("x=" + (NOW + 2_592_000));
        ArcSealResult abs = sealer(KEY).expire("expire=1800000000").build().seal(msg(MSG), null, NOW);
        assertThat(abs.arcMessageSignature().value()).contains("x=1800000000");
        assertThat(abs.arcSeal().value()).doesNotContain("x=");
        assertThatThrownBy(() -> sealer(KEY).expire("soon").build()).hasMessageContaining("expire");
        // x= in the past: the AMS has expired
        ArcSealResult expiring = sealer(KEY).expire("+60").build().seal(msg(MSG), null, NOW);
        MailMessage sealed = MailMessage.parse(expiring.applyTo(msg(MSG)));
        assertThat(verifier(KEY).verify(sealed, NOW + 59).state()).isEqualTo(ArcState.PASS);
        ArcVerification late = verifier(KEY).verify(sealed, NOW + 61);
        assertThat(late.state()).isEqualTo(ArcState.FAIL);
        assertThat(late.reason()).contains("expired");
    }

    @Test
    void neverSealsAFailedChainAgainAndCvFollowsTheChain() {
        ArcSealer s = sealer(KEY).build();
        byte[] one = s.seal(msg(MSG), null, NOW).applyTo(msg(MSG));
        ArcSealResult two = s.seal(MailMessage.parse(one), ArcState.FAIL, NOW);
        assertThat(two.cv()).isEqualTo("fail");
        ArcSealResult three = s.seal(MailMessage.parse(two.applyTo(MailMessage.parse(one))), ArcState.PASS, NOW);
        assertThat(three.sealed()).isFalse();
        assertThat(three.reason()).contains("cv=fail");
        // no status and no verifier: an existing chain is not sealed (we must not vouch for what we did not check);
        // with a verifier, the truth
        ArcSealResult unknown = s.seal(MailMessage.parse(one), null, NOW);
        assertThat(unknown.sealed()).isFalse();
        assertThat(unknown.reason()).isEqualTo("chain status unknown (no verification ran)");
        assertThat(sealer(KEY).verifier(verifier(KEY)).build().seal(MailMessage.parse(one), null, NOW).cv()).isEqualTo("pass");
    }

    @Test
    void dnsTemporaryFailureIsATemperrorAndNoKeyIsPermanent() {
        byte[] sealed = sealer(KEY).build().seal(msg(MSG), null, NOW).applyTo(msg(MSG));
        ArcVerification v = new ArcVerifier(name -> {
            throw new TxtResolver.TxtLookupException("SERVFAIL");
        }).verify(MailMessage.parse(sealed), NOW);
        assertThat(v.state()).isEqualTo(ArcState.TEMPERROR);
        assertThat(v.temporaryError()).isTrue();
        assertThat(v.reason()).contains("temperror");
        ArcVerification none = new ArcVerifier(name -> List.of()).verify(MailMessage.parse(sealed), NOW);
        assertThat(none.temporaryError()).isFalse();
        assertThat(none.reason()).contains("no key record");
        ArcVerification revoked = new ArcVerifier(name -> List.of("v=DKIM1; p=")).verify(MailMessage.parse(sealed), NOW);
        assertThat(revoked.reason()).contains("revoked");
    }

    @Test
    void aSilentDnsServerTimesOutInsteadOfHanging() throws Exception {
        byte[] sealed = sealer(KEY).build().seal(msg(MSG), null, NOW).applyTo(msg(MSG));
        try (DatagramSocket blackHole = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            TxtResolver dns = DnsJavaTxtResolver.forServer("127.0.0.1", blackHole.getLocalPort(), Duration.ofMillis(500));
            long start = System.nanoTime();
            ArcVerification v = new ArcVerifier(dns).verify(MailMessage.parse(sealed), NOW);
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(v.state()).isEqualTo(ArcState.TEMPERROR);
            assertThat(v.temporaryError()).as(v.reason()).isTrue();
            assertThat(ms).isLessThan(5_000);
        }
    }

    @Test
    void bodyLengthLimitAndSimpleCanonicalisationAreHonoured() throws Exception {
        // hand-made AMS with l= and c=simple/simple over a known body, checked against the suite's canonical rules
        java.security.MessageDigest md = SignatureAlgorithm.sha256();
        byte[] body = "hello \r\nworld\r\n\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        Canonicalization.SIMPLE.body(body, 0, body.length, -1, md);
        assertThat(md.digest()).isEqualTo(SignatureAlgorithm.sha256().digest("hello \r\nworld\r\n".getBytes(StandardCharsets.US_ASCII)));
        Canonicalization.RELAXED.body(body, 0, body.length, 5, md);
        assertThat(md.digest()).isEqualTo(SignatureAlgorithm.sha256().digest("hello".getBytes(StandardCharsets.US_ASCII)));
        Canonicalization.RELAXED.body(new byte[0], 0, 0, -1, md);
        assertThat(md.digest()).isEqualTo(SignatureAlgorithm.sha256().digest(new byte[0]));
        Canonicalization.SIMPLE.body(new byte[0], 0, 0, -1, md);
        assertThat(md.digest()).isEqualTo(SignatureAlgorithm.sha256().digest("\r\n".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void lfInputStaysLfOnOutput() {
        String lf = MSG.replace("\r\n", "\n");
        MailMessage m = MailMessage.parse(lf.getBytes(StandardCharsets.US_ASCII));
        byte[] out = sealer(KEY).build().seal(m, null, NOW).applyTo(m);
        assertThat(new String(out, StandardCharsets.US_ASCII)).doesNotContain("\r").endsWith(lf);
        assertThat(verifier(KEY).verify(MailMessage.parse(out), NOW).state()).isEqualTo(ArcState.PASS);
    }
}
