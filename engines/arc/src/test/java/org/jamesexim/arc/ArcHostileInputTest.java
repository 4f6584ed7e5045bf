package org.jamesexim.arc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a sender (anyone over SMTP) or a DNS publisher can make the verifier do: each hostile input gets the
 * protocol's answer (ARC {@code fail} with a reason naming the limit, {@code temperror} for DNS), never a crash,
 * and never work beyond the limits of {@link ArcLimits}. Speed is measured in benchmarks (ArcHostileBenchmark),
 * not here.
 */
class ArcHostileInputTest {
    static final long NOW = 1_764_000_000L;
    static final String BASE = "From: a@origin.example\r\nTo: b@dest.example\r\nSubject: hostile\r\n"
            + "Date: Wed, 25 Nov 2026 10:00:00 +0000\r\n\r\nbody line\r\n";
    static final Map<String, TestKeys> KEYS = new LinkedHashMap<>();
    static final Map<String, String> DNS = new LinkedHashMap<>();

    @BeforeAll
    static synchronized void keys() {
        if (!KEYS.isEmpty()) {
            return;
        }
        for (String hop : new String[] {"hop1", "hop2", "hop3", "hop4"}) {
            TestKeys k = TestKeys.rsa(1024);
            KEYS.put(hop, k);
            DNS.put("s._domainkey." + hop + ".example", k.record);
        }
    }

    static ArcSealer sealer(String hop) {
        return ArcSealer.builder().authservId("mx." + hop + ".example").domain(hop + ".example").selector("s")
                .key(KEYS.get(hop).signingKey()).build();
    }

    /** A message sealed by each of {@code hops} in turn, each seeing a passing chain. */
    static String chain(String base, String... hops) {
        String m = base;
        for (int i = 0; i < hops.length; i++) {
            MailMessage mm = MailMessage.parse(m.getBytes(StandardCharsets.ISO_8859_1));
            ArcSealResult r = sealer(hops[i]).seal(mm, i == 0 ? ArcState.NONE : ArcState.PASS, NOW);
            assertThat(r.sealed()).as(r.reason()).isTrue();
            m = new String(r.applyTo(mm), StandardCharsets.ISO_8859_1);
        }
        return m;
    }

    static ArcVerification verify(String m, TxtResolver dns) {
        return new ArcVerifier(dns).verify(MailMessage.parse(m.getBytes(StandardCharsets.ISO_8859_1)), NOW);
    }

    static ArcVerification verify(String m) {
        return verify(m, new StaticTxtResolver(DNS));
    }

    /** Replaces the first "ARC-Seal: " by "ARC-Seal: " + extra. */
    static String intoSeal(String m, String extra) {
        return m.replaceFirst("ARC-Seal: ", "ARC-Seal: " + java.util.regex.Matcher.quoteReplacement(extra));
    }

    @Test
    void theChainsHereVerify() {
        assertThat(verify(chain(BASE, "hop1", "hop2")).state()).isEqualTo(ArcState.PASS);
    }

    @Test
    void aSealOfFortyThousandTagsIsRefusedAfterReadingSixtyFive() {
        // issue 16's example: 40,000 tags (390 KB) cost quadratic CPU in TagList's duplicate check
        StringBuilder tags = new StringBuilder(400_000);
        for (int i = 0; i < 40_000; i++) {
            tags.append("x").append(i).append("=y; ");
        }
        assertThatThrownBy(() -> TagList.parse(tags.toString())).isInstanceOf(TagList.SyntaxException.class)
                .hasMessage("more than 64 tags (maxTags)");
        // in a message, the 390 KB field is refused before its tags are read
        ArcVerification huge = verify(intoSeal(chain(BASE, "hop1"), tags.toString()));
        assertThat(huge.state()).isEqualTo(ArcState.FAIL);
        assertThat(huge.reason()).contains("maxArcFieldBytes");
        // 100 tags fit in a field: refused by their number
        ArcVerification many = verify(intoSeal(chain(BASE, "hop1"), tags.substring(0, tags.indexOf("x100="))));
        assertThat(many.state()).isEqualTo(ArcState.FAIL);
        assertThat(many.reason()).isEqualTo("ARC-Seal tag list: more than 64 tags (maxTags)");
    }

    @Test
    void aHeaderSectionOfTwoMegabytesFailsOnMaxHeaderBytes() {
        StringBuilder junk = new StringBuilder(2_100_000);
        while (junk.length() < 2_000_000) {
            junk.append("X-Junk: ").append("j".repeat(900)).append("\r\n");
        }
        ArcVerification v = verify(junk + chain(BASE, "hop1"));
        assertThat(v.state()).isEqualTo(ArcState.FAIL);
        assertThat(v.reason()).contains("maxHeaderBytes");
        // a message without ARC fields is none, whatever its size
        assertThat(verify(junk + BASE).state()).isEqualTo(ArcState.NONE);
    }

    @Test
    void twoThousandHeaderFieldsFailOnMaxHeaderFields() {
        StringBuilder junk = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            junk.append("Received: from h").append(i).append("\r\n");
        }
        ArcVerification v = verify(junk + chain(BASE, "hop1"));
        assertThat(v.state()).isEqualTo(ArcState.FAIL);
        assertThat(v.reason()).contains("maxHeaderFields");
    }

    @Test
    void anArcFieldOverSixteenKilobytesFailsOnMaxArcFieldBytes() {
        ArcVerification v = verify(intoSeal(chain(BASE, "hop1"), "z=" + "q".repeat(17_000) + "; "));
        assertThat(v.state()).isEqualTo(ArcState.FAIL);
        assertThat(v.reason()).contains("maxArcFieldBytes");
    }

    @Test
    void tenThousandArcSetsFailAfterTheFirstHundredAndFiftyFields() {
        StringBuilder m = new StringBuilder();
        for (int i = 1; i <= 10_000; i++) {
            m.append("ARC-Seal: i=").append(i).append("; a=rsa-sha256; cv=pass; d=x.example; s=s; b=AAAA\r\n");
            m.append("ARC-Message-Signature: i=").append(i).append("; a=rsa-sha256; d=x.example; s=s; h=from; bh=AAAA; b=AAAA\r\n");
            m.append("ARC-Authentication-Results: i=").append(i).append("; mx.x.example; none\r\n");
        }
        ArcVerification v = verify(m + BASE);
        assertThat(v.state()).isEqualTo(ArcState.FAIL);
        assertThat(v.reason()).contains("maxArcSets");
        // 150 fields in the right instances 1..50 but a 51st set: the same
        StringBuilder m51 = new StringBuilder();
        for (int i = 51; i >= 1; i--) {
            m51.append("ARC-Authentication-Results: i=").append(i).append("; mx.x.example; none\r\n");
        }
        assertThat(verify(m51 + BASE).reason()).contains("maxArcSets");
    }

    @Test
    void anHListOfMoreThanOneHundredTwentyEightNamesFailsOnMaxSignedHeaders() {
        String m = chain(BASE, "hop1");
        String h = "h=" + "from:".repeat(200) + "from";
        m = m.replaceFirst("([ \t])h=[^;]*;", "$1" + java.util.regex.Matcher.quoteReplacement(h) + ";");
        ArcVerification v = verify(m);
        assertThat(v.state()).isEqualTo(ArcState.FAIL);
        assertThat(v.reason()).contains("maxSignedHeaders");
    }

    @Test
    void eachKeyIsLookedUpOncePerMessage() {
        // three sets sealed by the same domain and selector: one key, asked once (before: six lookups, and as many
        // timeouts in a row when DNS does not answer)
        String m = chain(BASE, "hop1", "hop1", "hop1");
        AtomicInteger asked = new AtomicInteger();
        StaticTxtResolver dns = new StaticTxtResolver(DNS);
        ArcVerification v = verify(m, name -> {
            asked.incrementAndGet();
            return dns.lookupTxt(name);
        });
        assertThat(v.state()).as(v.reason()).isEqualTo(ArcState.PASS);
        assertThat(asked).hasValue(1);
        // a failing lookup is not repeated either
        asked.set(0);
        ArcVerification down = verify(m, name -> {
            asked.incrementAndGet();
            throw new TxtResolver.TxtLookupException("SERVFAIL");
        });
        assertThat(down.temporaryError()).isTrue();
        assertThat(asked).hasValue(1);
    }

    @Test
    void aFailedLookupIsATemporaryErrorNeverAFailOrNone() {
        ArcVerification v = verify(chain(BASE, "hop1", "hop2"), name -> {
            throw new TxtResolver.TxtLookupException("TXT lookup of " + name + " failed: timed out");
        });
        assertThat(v.state()).isEqualTo(ArcState.TEMPERROR);
        assertThat(v.reason()).contains("temperror");
        // a resolver that blows up is temporary too
        ArcVerification boom = verify(chain(BASE, "hop1"), name -> {
            throw new IllegalStateException("resolver broke");
        });
        assertThat(boom.state()).isEqualTo(ArcState.TEMPERROR);
    }

    @Test
    void whatTheSenderWroteReachesReasonsAndDomainsOnlyAsPrintableAsciiCutShort() {
        String m = chain(BASE, "hop1");
        // an algorithm name with folding (CRLF in the value), 8-bit characters and 500 more bytes
        String evil = m.replaceFirst("ARC-Seal: a=rsa-sha256;", "ARC-Seal: a=rsa-\r\n X-Injected: yes\u00e9" + "x".repeat(500) + ";");
        ArcVerification v = verify(evil);
        assertThat(v.state()).isEqualTo(ArcState.FAIL);
        assertThat(v.reason()).contains("unsupported algorithm").contains("X-Injected")
                .matches("[\\x20-\\x7e]*").hasSizeLessThanOrEqualTo(200);
        // a d= of 8-bit characters, and an AAR whose authserv-id carries them: no such text in domains or set info
        String eightBit = m.replaceFirst("d=hop1\\.example", "d=h\u00f6p1.example")
                .replaceFirst("ARC-Authentication-Results: i=1; mx.hop1.example", "ARC-Authentication-Results: i=1; mx.h\u00f6p1\u0007");
        ArcVerification w = verify(eightBit);
        assertThat(w.state()).isEqualTo(ArcState.FAIL);
        assertThat(w.domains()).containsExactly("");
        for (ArcSetInfo i : w.sets()) {
            assertThat(i.domain() + i.selector() + i.cv() + i.aarAuthservId()).matches("[\\x21-\\x7e]*");
        }
    }

    @Test
    void keysThatWouldCostTooMuchAreRefused() {
        String m = chain(BASE, "hop1");
        // a key record of 10 KB
        ArcVerification big = verify(m, name -> List.of("v=DKIM1; k=rsa; n=" + "n".repeat(10_000) + "; p=AAAA"));
        assertThat(big.reason()).contains("maxKeyRecordBytes");
        // 100 TXT records at the key's name: at most 4 are tried
        List<String> junk = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            junk.add("v=spf1 -all");
        }
        junk.add(KEYS.get("hop1").record);
        ArcVerification many = verify(m, name -> junk);
        assertThat(many.state()).isEqualTo(ArcState.FAIL);
        assertThat(many.reason()).contains("invalid key");
    }
}
