package org.jamesexim.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The record parser and the verifier over generated records: record-like token soup up to 64 KiB and arbitrary
 * text. Whatever comes, the parser answers a record with values in range or {@link DmarcRecord.InvalidRecordException},
 * nothing else; the verifier never throws and only gives a policy when there is a record.
 */
class DmarcRecordFuzzTest {
    static final String[] TOKENS = {"v", "V", "=", "DMARC1", "DMARC", ";", " ", "\t", "\r\n", "p", "sp", "np", "pct",
        "adkim", "aspf", "psd", "t", "rua", "none", "quarantine", "reject", "r", "s", "y", "n", "0", "100", "101", "-1",
        "mailto:", "a@b.example", ",", "!", "\u00e9", "\u0000", "=="};

    @Provide
    Arbitrary<String> soup() {
        Arbitrary<String> token = Arbitraries.of(TOKENS);
        return token.list().ofMinSize(0).ofMaxSize(4000).map(l -> {
            StringBuilder sb = new StringBuilder(Math.random() < 0.7 ? "v=DMARC1;" : "");
            l.forEach(sb::append);
            return sb.toString();
        });
    }

    @Property(tries = 1500)
    void tokenSoupParsesOrIsRefused(@ForAll("soup") String text) {
        check(text);
    }

    @Property(tries = 500)
    void anyTextParsesOrIsRefused(@ForAll String tail) {
        check("v=DMARC1; " + tail);
        check(tail);
    }

    @Provide
    Arbitrary<String> large() {
        return Arbitraries.strings().withChars("v=DMARC1;prejctqunsdk ,\t").ofMinLength(30_000).ofMaxLength(65_536)
                .map(s -> "v=DMARC1;" + s);
    }

    @Property(tries = 60)
    void largeRecordsParseOrAreRefused(@ForAll("large") String text) {
        check(text);
    }

    private static void check(String text) {
        DmarcRecord r;
        try {
            r = DmarcRecord.parse(text);
        } catch (DmarcRecord.InvalidRecordException e) {
            assertThat(e.getMessage()).isNotEmpty();
            assertThat(DmarcRecord.isDmarc(text) || e.getMessage().startsWith("not a DMARC record")).isTrue();
            return;
        }
        assertThat(DmarcRecord.isDmarc(text)).isTrue();
        assertThat(r.policy()).isNotNull();
        assertThat(r.pct()).isBetween(0, 100);
        assertThat("ynu").contains(String.valueOf(r.psd()));
        DmarcResult v = DmarcVerifier.builder(new MapResolver(Map.of("_dmarc.example.test", List.of(text))))
                .build().verify(DmarcInput.builder().from("a@example.test").build());
        assertThat(v.status()).isIn(DmarcStatus.FAIL, DmarcStatus.NONE);
        assertThat(v.authResult()).doesNotContain("\r", "\n", ";");
    }
}
