package org.jamesexim.arc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jamesexim.common.HeaderText;

import org.junit.jupiter.api.Test;

/**
 * The named limits of {@link ArcLimits} beyond what {@link ArcHostileInputTest} sends: the per-message DNS deadline
 * (on a simulated clock, and on a real silent DNS server), key-record bounds, the one-pass body hashes, and what
 * the sealer refuses to vouch for.
 */
class ArcLimitsTest {
    static final long NOW = ArcHostileInputTest.NOW;

    static {
        ArcHostileInputTest.keys();
    }

    static String fourHops() {
        return ArcHostileInputTest.chain(ArcHostileInputTest.BASE, "hop1", "hop2", "hop3", "hop4");
    }

    static MailMessage msg(String m) {
        return MailMessage.parse(m.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void theDnsDeadlineBoundsAllLookupsOfAMessageAndGivesTemperror() {
        // four sealers, four keys; each lookup "takes" 4 s of a simulated clock; the deadline is 10 s
        AtomicLong clock = new AtomicLong();
        AtomicInteger asked = new AtomicInteger();
        List<Duration> waits = new ArrayList<>();
        StaticTxtResolver dns = new StaticTxtResolver(ArcHostileInputTest.DNS);
        TxtResolver slow = new TxtResolver() {
            @Override
            public List<String> lookupTxt(String name) {
                throw new AssertionError("the verifier must say how long it may wait");
            }

            @Override
            public List<String> lookupTxt(String name, Duration timeout) {
                asked.incrementAndGet();
                waits.add(timeout);
                clock.addAndGet(Duration.ofSeconds(4).toNanos());
                return dns.lookupTxt(name);
            }
        };
        ArcLimits limits = ArcLimits.builder().dnsDeadline(Duration.ofSeconds(10)).build();
        ArcVerification v = new ArcVerifier(slow, true, limits, clock::get).verify(msg(fourHops()), NOW);
        assertThat(v.state()).isEqualTo(ArcState.TEMPERROR);
        assertThat(v.temporaryError()).isTrue();
        assertThat(v.reason()).contains("dnsDeadline").contains("after 3 lookups");
        assertThat(asked).hasValue(3);
        // each lookup was given only what was left of the deadline
        assertThat(waits).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(6), Duration.ofSeconds(2));
        // with time enough the same message passes, and four keys are asked once each
        asked.set(0);
        ArcVerification ok = new ArcVerifier(slow, true, ArcLimits.builder().dnsDeadline(Duration.ofSeconds(20)).build(),
                clock::get).verify(msg(fourHops()), NOW);
        assertThat(ok.state()).as(ok.reason()).isEqualTo(ArcState.PASS);
        assertThat(asked).hasValue(4);
    }

    @Test
    void aSilentDnsServerEndsAtTheDeadlineNotAfterEveryTimeout() throws Exception {
        try (DatagramSocket blackHole = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            AtomicInteger asked = new AtomicInteger();
            DnsJavaTxtResolver silent = DnsJavaTxtResolver.forServer("127.0.0.1", blackHole.getLocalPort(),
                    Duration.ofSeconds(1));
            TxtResolver counting = new TxtResolver() {
                @Override
                public List<String> lookupTxt(String name) throws TxtLookupException {
                    return lookupTxt(name, Duration.ofSeconds(1));
                }

                @Override
                public List<String> lookupTxt(String name, Duration timeout) throws TxtLookupException {
                    asked.incrementAndGet();
                    return silent.lookupTxt(name, timeout);
                }
            };
            ArcLimits limits = ArcLimits.builder().dnsDeadline(Duration.ofMillis(1500)).build();
            ArcVerification v = new ArcVerifier(counting, true, limits).verify(msg(fourHops()), NOW);
            assertThat(v.state()).isEqualTo(ArcState.TEMPERROR);
            // 1 s, then the 0.5 s left, then nothing: never the four (or, before dedupe, eight) timeouts in a row
            assertThat(asked.get()).isBetween(1, 3);
        }
    }

    @Test
    void keyRecordLimits() throws Exception {
        Random r = new Random(16);
        // a 9000-bit modulus (a key need not be real to be refused for its size)
        assertThatThrownBy(() -> PublicKeyRecord.parse(record(new BigInteger(9000, r).setBit(8999).setBit(0),
                BigInteger.valueOf(65537)))).hasMessageContaining("maxRsaKeyBits");
        // a 2048-bit modulus with a 100-bit public exponent
        assertThatThrownBy(() -> PublicKeyRecord.parse(record(new BigInteger(2048, r).setBit(2047).setBit(0),
                BigInteger.ONE.shiftLeft(100).add(BigInteger.ONE)))).hasMessageContaining("exponent");
        // a record of more than 64 tags, one of more than 8 KiB
        StringBuilder tags = new StringBuilder("v=DKIM1; ");
        for (int i = 0; i < 70; i++) {
            tags.append("t").append(i).append("=x; ");
        }
        assertThatThrownBy(() -> PublicKeyRecord.parse(tags + "p=AAAA")).hasMessageContaining("maxTags");
        assertThatThrownBy(() -> PublicKeyRecord.parse("v=DKIM1; p=" + "A".repeat(9000)))
                .hasMessageContaining("maxKeyRecordBytes");
        // a real key still parses
        assertThat(PublicKeyRecord.parse(TestKeys.rsa(2048).record).bits).isEqualTo(2048);
    }

    static String record(BigInteger modulus, BigInteger exponent) throws Exception {
        byte[] der = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(modulus, exponent)).getEncoded();
        return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(der);
    }

    @Test
    void bodyHashesAtManyLengthsInOnePassEqualOnePassPerLength() throws Exception {
        byte[] body = ("line one  \r\n\tsecond\t line\r\n\r\n \r\nlast" + " x".repeat(5000) + "\r\n\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        long[] limits = {-1, 0, 1, 5, 12, 13, 40, 41, 42, 5000, 10_000, 10_020, 1_000_000, 12, -1};
        for (Canonicalization c : Canonicalization.values()) {
            byte[][] hashes = c.bodyHashes(body, 0, body.length, limits);
            for (int i = 0; i < limits.length; i++) {
                MessageDigest md = SignatureAlgorithm.sha256();
                c.body(body, 0, body.length, limits[i], md);
                assertThat(hashes[i]).as("%s l=%d", c, limits[i]).isEqualTo(md.digest());
            }
        }
    }

    @Test
    void theSealerDoesNotVouchForWhatNobodyVerified() {
        String two = ArcHostileInputTest.chain(ArcHostileInputTest.BASE, "hop1", "hop2");
        // a forged A-R in the sealer's name says arc=pass for a chain we have not checked
        String forged = "Authentication-Results: mx.hop3.example; arc=pass; dmarc=pass header.from=bank.example\r\n" + two;
        ArcSealer plain = ArcHostileInputTest.sealer("hop3");
        ArcSealResult r = plain.seal(msg(forged), null, NOW);
        assertThat(r.sealed()).isFalse();
        assertThat(r.reason()).isEqualTo("chain status unknown (no verification ran)");
        // told the verification ended in temperror: still no seal
        assertThat(plain.seal(msg(forged), ArcState.TEMPERROR, NOW).sealed()).isFalse();
        // with a verifier whose DNS is down: not sealed, and the reason says why
        ArcSealer downDns = ArcSealer.builder().authservId("mx.hop3.example").domain("hop3.example").selector("s")
                .key(ArcHostileInputTest.KEYS.get("hop3").signingKey()).verifier(new ArcVerifier(name -> {
                    throw new TxtResolver.TxtLookupException("SERVFAIL");
                })).build();
        ArcSealResult down = downDns.seal(msg(forged), null, NOW);
        assertThat(down.sealed()).isFalse();
        assertThat(down.reason()).contains("temperror");
        // given our own results, the AAR says exactly those, not the forged A-R's claims
        ArcSealResult own = plain.seal(msg(forged), ArcState.PASS, List.of("spf=pass smtp.mailfrom=a@origin.example"), NOW);
        assertThat(own.arcAuthenticationResults().value()).contains("spf=pass").doesNotContain("bank.example");
        // only where the operator vouches for the A-R (suite vectors, the CLI) is its arc= used
        ArcSealer trusting = ArcSealer.builder().authservId("mx.hop3.example").domain("hop3.example").selector("s")
                .key(ArcHostileInputTest.KEYS.get("hop3").signingKey()).cvFromAuthResults(true).build();
        assertThat(trusting.seal(msg(forged), null, NOW).cv()).isEqualTo("pass");
    }

    @Test
    void forgedAuthenticationResultsInOurNameAreRecognisedHoweverSpelt() {
        for (String v : List.of(" mx.example.test; arc=pass", " MX.Example.TEST; arc=pass", "\r\n\tmx.example.test ;x=y",
                " (comment (nested)) mx.example.test; arc=pass", " \"mx.example.test\"; arc=pass",
                " mx.example.test.; arc=pass", " mx.example.test arc=pass", " mx.example.test(c);spf=pass",
                " mx.example.test 1; arc=pass", " mx.example.test")) {
            assertThat(AuthResults.claims(v, "mx.example.test")).as("'%s'", v).isTrue();
        }
        for (String v : List.of(" mx.example.test.evil; arc=pass", " evil.mx.example.test; arc=pass", " arc=pass",
                " ; mx.example.test", " other.example; arc=pass (mx.example.test)")) {
            assertThat(AuthResults.claims(v, "mx.example.test")).as("'%s'", v).isFalse();
        }
    }

    @Test
    void authResultsOfMoreThanTheLimitAreNotConsolidated() {
        StringBuilder v = new StringBuilder(" mx.example.test");
        for (int i = 0; i < 100; i++) {
            v.append("; x").append(i).append("=pass");
        }
        assertThat(AuthResults.parse(v.toString())).isNull();
        assertThat(AuthResults.parse(v.toString(), 100).results()).hasSize(100);
        // and an AAR we write holds at most 64 of them
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            many.add("x" + i + "=pass");
        }
        ArcSealResult r = ArcHostileInputTest.sealer("hop1").seal(msg(ArcHostileInputTest.BASE), ArcState.NONE, many, NOW);
        assertThat(AuthResults.parse(ArcChain.aarRest(r.arcAuthenticationResults().value())).results()).hasSize(64);
    }

    @Test
    void safeTextKeepsPrintableAsciiAndCutsShort() {
        assertThat(HeaderText.of("a\r\n b\u0000c\u00e9d", 50)).isEqualTo("a b?c?d");
        assertThat(HeaderText.of("x".repeat(300), 20)).isEqualTo("x".repeat(17) + "...");
        assertThat(HeaderText.of(null, 5)).isEmpty();
        assertThat(SafeText.domain("ex\u00e4mple.org")).isEmpty();
        assertThat(SafeText.domain("a.example; x")).isEmpty();
        assertThat(SafeText.domain("a.example")).isEqualTo("a.example");
    }

    @Test
    void limitsOutOfRangeAreRefusedByName() {
        assertThatThrownBy(() -> ArcLimits.builder().maxArcSets(51).build()).hasMessageContaining("maxArcSets");
        assertThatThrownBy(() -> ArcLimits.builder().maxTags(0).build()).hasMessageContaining("maxTags");
        assertThatThrownBy(() -> ArcLimits.builder().dnsDeadline(Duration.ZERO).build()).hasMessageContaining("dnsDeadline");
        assertThat(ArcLimits.DEFAULT.toString()).contains("maxHeaderBytes=262144", "maxTags=64", "dnsDeadline=PT15S");
        assertThat(ArcLimits.DEFAULT.toBuilder().build().toString()).isEqualTo(ArcLimits.DEFAULT.toString());
    }
}
