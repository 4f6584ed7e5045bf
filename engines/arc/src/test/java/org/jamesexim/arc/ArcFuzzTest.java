package org.jamesexim.arc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzing of every parser of outside bytes and of the verifier with hostile input: random tag lists, DKIM key
 * records, Authentication-Results values and whole messages, random byte mutations of a valid sealed 3-hop message,
 * and inputs of megabytes (100,000 tags, 2 MB headers, 10,000 ARC sets). Each answers with the protocol's result
 * or refuses with a reason, never throws; the work is counted, not timed (DNS lookups per message stay within the
 * number of distinct keys, and oversized input is refused before any lookup). How the time grows with the input is
 * measured by the JMH benchmark {@code ArcHostileBenchmark} (BENCHMARKS.md, "ARC hostile input").
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
        Set<String> names = ConcurrentHashMap.newKeySet();
        AtomicInteger asked = new AtomicInteger();
        StaticTxtResolver dns = new StaticTxtResolver(records);
        ArcVerifier counting = new ArcVerifier(name -> {
            asked.incrementAndGet();
            names.add(name.toLowerCase(java.util.Locale.ROOT));
            return dns.lookupTxt(name);
        });
        ArcVerification v = counting.verify(MailMessage.parse(m.toString().getBytes(StandardCharsets.ISO_8859_1)), 0);
        assertThat(v.state()).isIn(ArcState.FAIL, ArcState.PASS);
        if (v.state() == ArcState.FAIL) {
            assertThat(v.reason()).isNotEmpty();
        }
        // each key name asked once, and never more than one per AMS and AS of the (at most 50) sets
        assertThat(asked.get()).isEqualTo(names.size()).isLessThanOrEqualTo(100);
        printable(v);
    }

    /** What reaches our headers and logs: printable ASCII, cut short. */
    static void printable(ArcVerification v) {
        assertThat(v.reason()).matches("[\\x20-\\x7e]*").hasSizeLessThanOrEqualTo(SafeText.MAX_REASON);
        assertThat(v.domainsColonList()).matches("[\\x21-\\x7e]*").hasSizeLessThanOrEqualTo(50 * 254);
    }

    @Property(tries = 2000)
    void keyRecordsParseOrSayWhy(@ForAll("hostile") String s) {
        try {
            PublicKeyRecord k = PublicKeyRecord.parse(s);
            assertThat(k.keyType).isIn("rsa", "ed25519");
        } catch (PublicKeyRecord.InvalidKeyException e) {
            assertThat(e.getMessage()).isNotEmpty();
        }
        // the same text as a whole record behind a real key's p=: still a key or a reason
        try {
            PublicKeyRecord.parse(s + ";" + records.get("s._domainkey.fuzz.example"));
        } catch (PublicKeyRecord.InvalidKeyException e) {
            assertThat(e.getMessage()).isNotEmpty();
        }
    }

    @Property(tries = 1000)
    void forgedAuthservIdsAreReadWithoutThrowing(@ForAll("hostile") String s) {
        String id = AuthResults.authservIdOf(s);
        if (id != null) {
            assertThat(id).isNotEmpty();
            assertThat(AuthResults.claims(s, id)).isTrue();
        }
    }

    static final String BODYLESS = "From: a@b.example\r\n\r\nbody\r\n";

    @Provide
    Arbitrary<Integer> scale() {
        return Arbitraries.of(1, 10, 100);
    }

    /**
     * Large inputs (x1, x10, x100): 1,000 to 100,000 tags in a seal, 20 KB to 2 MB of header, 100 to 10,000 ARC
     * sets. Each is refused with a reason naming its limit, and before any DNS lookup.
     */
    @Property(tries = 12)
    void megabyteInputsAreRefusedByTheirLimitBeforeAnyLookup(@ForAll("scale") int scale,
                                                            @ForAll @IntRange(min = 0, max = 3) int kind) {
        String chain = new String(sealed, StandardCharsets.ISO_8859_1);
        int headerEnd = chain.indexOf("\r\n\r\n") + 2;
        StringBuilder m = new StringBuilder();
        String limit;
        switch (kind) {
            case 0:
                // 1,000 / 10,000 / 100,000 tags in a seal (9 KB / 100 KB / 1 MB)
                m.append("ARC-Seal: i=1; a=rsa-sha256; cv=none; d=fuzz.example; s=s; b=AAAA");
                for (int i = 0; i < 1000 * scale; i++) {
                    m.append("; x").append(i).append("=y");
                }
                m.append("\r\n").append(BODYLESS);
                limit = scale == 1 ? "maxTags" : "maxArcFieldBytes";
                break;
            case 1:
                // 20 KB / 200 KB / 2 MB of unsigned header fields under a valid chain
                m.append(chain, 0, headerEnd);
                for (int i = 0; i < 20 * scale; i++) {
                    m.append("X-Junk: ").append("j".repeat(1000)).append("\r\n");
                }
                m.append(chain.substring(headerEnd));
                limit = scale == 100 ? "maxHeaderBytes" : null;
                break;
            case 2:
                // 100 / 1,000 / 10,000 ARC sets
                for (int i = 1; i <= 100 * scale; i++) {
                    m.append("ARC-Seal: i=").append(i).append("; a=rsa-sha256; cv=pass; d=fuzz.example; s=s; b=AAAA\r\n");
                    m.append("ARC-Authentication-Results: i=").append(i).append("; mx.fuzz.example; none\r\n");
                }
                m.append(BODYLESS);
                limit = "maxArcSets";
                break;
            default:
                // an h= of 11 / 101 / 1,001 names in the newest AMS of a valid chain
                m.append(chain.replaceFirst("([ \\t])h=[^;]*;", "$1h=" + "from:".repeat(10 * scale) + "from;"));
                limit = scale == 100 ? "maxSignedHeaders" : null;
        }
        AtomicInteger asked = new AtomicInteger();
        StaticTxtResolver dns = new StaticTxtResolver(records);
        ArcVerification v = new ArcVerifier(name -> {
            asked.incrementAndGet();
            return dns.lookupTxt(name);
        }).verify(MailMessage.parse(m.toString().getBytes(StandardCharsets.ISO_8859_1)), 1_764_000_000L);
        printable(v);
        if (limit == null) {
            // small enough: an ordinary verdict
            assertThat(v.state()).isIn(ArcState.PASS, ArcState.FAIL);
            return;
        }
        assertThat(v.state()).isEqualTo(ArcState.FAIL);
        assertThat(v.reason()).contains(limit);
        assertThat(asked).hasValue(0);
    }

    @Property(tries = 300)
    void bodyHashesInOnePassEqualOnePassPerLength(@ForAll byte[] body, @ForAll @IntRange(min = -1, max = 300) int l1,
                                                  @ForAll @IntRange(min = -1, max = 300) int l2) {
        byte[] crlf = MailMessage.parse(("X: y\r\n\r\n" + new String(body, StandardCharsets.ISO_8859_1))
                .getBytes(StandardCharsets.ISO_8859_1)).data();
        int from = 7;
        long[] limits = {l1, l2, -1};
        for (Canonicalization c : Canonicalization.values()) {
            byte[][] hashes = c.bodyHashes(crlf, from, crlf.length, limits);
            for (int i = 0; i < limits.length; i++) {
                java.security.MessageDigest md = SignatureAlgorithm.sha256();
                c.body(crlf, from, crlf.length, limits[i], md);
                assertThat(hashes[i]).isEqualTo(md.digest());
            }
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
        ArcVerification v = verifier.verify(MailMessage.parse(m), 1_764_000_000L);
        assertThat(v.state()).isIn(ArcState.PASS, ArcState.FAIL, ArcState.NONE);
        printable(v);
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

    private static final java.util.regex.Pattern BASE64_TAG = java.util.regex.Pattern.compile("\\b(bh|b)=([A-Za-z0-9+/]+=*)");

    /**
     * Lower-cased, all whitespace dropped, unsigned Authentication-Results line dropped, and each {@code b=}/{@code bh=}
     * value re-encoded from the octets it decodes to (a mutated padding bit, {@code eg8=} to {@code eg9=}, decodes to
     * the same octets): what the signatures cover.
     */
    private static String relaxedish(String s) {
        StringBuilder sb = new StringBuilder();
        for (String line : s.split("\r\n", -1)) {
            if (line.regionMatches(true, 0, "Authentication-Results:", 0, 23)) {
                continue;
            }
            sb.append(line).append('\n');
        }
        String compact = sb.toString().replaceAll("[\\s]+", "");
        return BASE64_TAG.matcher(compact).replaceAll(m -> {
            try {
                return m.group(1) + "=" + java.util.Base64.getEncoder().encodeToString(java.util.Base64.getDecoder().decode(m.group(2)));
            } catch (IllegalArgumentException notBase64) {
                return java.util.regex.Matcher.quoteReplacement(m.group());
            }
        }).toLowerCase(java.util.Locale.ROOT);
    }

    @Property(tries = 500)
    void arbitraryBytesParseAsAMessage(@ForAll byte[] bytes) {
        MailMessage m = MailMessage.parse(bytes);
        assertThat(m.bodyStart()).isBetween(0, m.data().length);
        ArcVerification v = verifier.verify(m, 0);
        assertThat(v.state()).isNotNull();
        printable(v);
    }
}
