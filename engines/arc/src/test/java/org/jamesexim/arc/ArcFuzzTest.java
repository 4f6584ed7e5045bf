package org.jamesexim.arc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzing of the parsers and the verifier with hostile input: random tag lists, Authentication-Results values and
 * whole messages, and random byte mutations of a valid sealed 3-hop message. Nothing may throw, and nothing may
 * take long (each verification here must finish well under a second).
 */
class ArcFuzzTest {
    static byte[] sealed;
    static Map<String, String> records;
    static ArcVerifier verifier;

    @BeforeContainer
    static void chain() {
        TestKeys k = TestKeys.rsa(1024);
        records = Map.of("s._domainkey.fuzz.example", k.record);
        verifier = new ArcVerifier(new StaticTxtResolver(records));
        byte[] m = ("Authentication-Results: mx.fuzz.example; spf=pass smtp.mailfrom=a@b.example\r\n"
                + "From: a@b.example\r\nTo: c@d.example\r\nSubject: fuzz\r\nDate: Wed, 25 Nov 2026 10:00:00 +0000\r\n"
                + "\r\nbody line\r\n  second\tline  \r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        ArcSealer sealer = ArcSealer.builder().authservId("mx.fuzz.example").domain("fuzz.example").selector("s")
                .key(k.signingKey()).build();
        for (int i = 0; i < 3; i++) {
            MailMessage mm = MailMessage.parse(m);
            ArcSealResult r = sealer.seal(mm, i == 0 ? null : ArcState.PASS, 1_764_000_000L);
            m = r.applyTo(mm);
        }
        sealed = m;
        assertThat(verifier.verify(MailMessage.parse(sealed), 1_764_000_000L).state()).isEqualTo(ArcState.PASS);
    }

    @Provide
    Arbitrary<String> hostile() {
        Arbitrary<String> pieces = Arbitraries.of("i=", "a=", "b=", "bh=", "cv=", "d=", "s=", "h=", "t=", "x=", "l=",
                "c=", ";", ";;", "=", "==", " ", "\t", "\r\n ", "\r\n", "\n", "(", ")", "\"", "\\", ":", "1", "50", "51",
                "999999999999999999999", "-1", "rsa-sha256", "ed25519-sha256", "relaxed/simple", "none", "pass", "fail",
                "arc-seal", "example.org", "..", "\u00e9", "\u0000", "AAAA", "====", "mx.example; arc=pass");
        Arbitrary<String> noise = Arbitraries.strings().withCharRange((char) 0, (char) 255).ofMaxLength(20);
        return Arbitraries.oneOf(pieces, noise).list().ofMaxSize(40).map(l -> String.join("", l));
    }

    @Property(tries = 2000)
    void tagListParsesOrSaysWhy(@ForAll("hostile") String s) {
        try {
            TagList t = TagList.parse(s);
            assertThat(t.names()).doesNotHaveDuplicates();
        } catch (TagList.SyntaxException e) {
            assertThat(e.getMessage()).isNotEmpty();
        }
    }

    @Property(tries = 2000)
    void authResultsNeverThrow(@ForAll("hostile") String s) {
        AuthResults ar = AuthResults.parse(s);
        if (ar != null) {
            assertThat(ar.authservId()).isNotEmpty();
            ar.resultOf("arc");
        }
    }

    @Property(tries = 1000)
    void hostileArcHeadersGiveAVerdictQuickly(@ForAll("hostile") String as, @ForAll("hostile") String ams,
                                              @ForAll("hostile") String aar, @ForAll @IntRange(min = 0, max = 60) int copies) {
        StringBuilder m = new StringBuilder();
        for (int i = 0; i < Math.max(1, copies / 10); i++) {
            m.append("ARC-Seal: ").append(as).append("\r\n");
            m.append("ARC-Message-Signature: ").append(ams).append("\r\n");
            m.append("ARC-Authentication-Results: ").append(aar).append("\r\n");
        }
        m.append("From: a@b.example\r\n\r\nbody\r\n");
        long start = System.nanoTime();
        ArcVerification v = verifier.verify(MailMessage.parse(m.toString().getBytes(StandardCharsets.ISO_8859_1)), 0);
        assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
        assertThat(v.state()).isIn(ArcState.FAIL, ArcState.PASS);
        if (v.state() == ArcState.FAIL) {
            assertThat(v.reason()).isNotEmpty();
        }
    }

    @Provide
    Arbitrary<int[]> mutation() {
        return Combinators.combine(Arbitraries.integers().between(0, Integer.MAX_VALUE),
                Arbitraries.integers().between(0, 255), Arbitraries.integers().between(1, 3))
                .as((pos, b, len) -> new int[] {pos, b, len});
    }

    @Property(tries = 1500)
    void mutatedSealedMessagesNeverCrashAndHeaderMutationsRarelyPass(@ForAll("mutation") int[] mut) {
        byte[] m = sealed.clone();
        int pos = mut[0] % m.length;
        for (int i = 0; i < mut[2] && pos + i < m.length; i++) {
            m[pos + i] = (byte) mut[1];
        }
        long start = System.nanoTime();
        ArcVerification v = verifier.verify(MailMessage.parse(m), 1_764_000_000L);
        assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
        assertThat(v.state()).isIn(ArcState.PASS, ArcState.FAIL, ArcState.NONE);
        String original = new String(sealed, StandardCharsets.ISO_8859_1);
        int arStart = original.indexOf("\r\nAuthentication-Results:") + 2;
        int arEnd = original.indexOf("\r\n", arStart);
        boolean inUnsignedAr = pos + mut[2] > arStart && pos <= arEnd;
        if (v.state() == ArcState.PASS && !inUnsignedAr && !java.util.Arrays.equals(m, sealed)) {
            // a pass after mutation is only acceptable where canonicalisation makes the change invisible
            // (whitespace, header-name case) or in the parts nothing signs
            String before = new String(sealed, StandardCharsets.ISO_8859_1);
            String after = new String(m, StandardCharsets.ISO_8859_1);
            assertThat(relaxedish(after)).as("mutation at %d passed", pos).isEqualTo(relaxedish(before));
        }
    }

    /** Lower-cased, all whitespace dropped, unsigned Authentication-Results line dropped: what the signatures cover. */
    private static String relaxedish(String s) {
        StringBuilder sb = new StringBuilder();
        for (String line : s.split("\r\n", -1)) {
            if (line.regionMatches(true, 0, "Authentication-Results:", 0, 23)) {
                continue;
            }
            sb.append(line).append('\n');
        }
        return sb.toString().replaceAll("[\\s]+", "").toLowerCase(java.util.Locale.ROOT);
    }

    @Property(tries = 500)
    void arbitraryBytesParseAsAMessage(@ForAll byte[] bytes) {
        MailMessage m = MailMessage.parse(bytes);
        assertThat(m.bodyStart()).isBetween(0, m.data().length);
        assertThat(verifier.verify(m, 0).state()).isNotNull();
    }
}
