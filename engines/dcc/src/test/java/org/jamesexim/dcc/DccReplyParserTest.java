package org.jamesexim.dcc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.jamesexim.dcc.DccResult.Outcome;
import org.junit.jupiter.api.Test;

class DccReplyParserTest {
    static DccResult parse(String s, int rcpts) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return DccReplyParser.parse(b, b.length, rcpts);
    }

    @Test
    void lineOneMustBeOneByte() {
        assertThat(parse("R\r\nR\n", 1).dccResult()).isEqualTo("R");
        DccResult garbage = parse("Reject everything\n", 1);
        assertThat(garbage.outcome()).isEqualTo(Outcome.DEFER);
        assertThat(garbage.dccResult()).isEqualTo("T");
        assertThat(garbage.detail()).isEqualTo("unknown DCC response: 'Reject everything'");
        assertThat(parse("\n", 1).outcome()).isEqualTo(Outcome.DEFER);
    }

    @Test
    void onlyLineOneIsNeeded() {
        DccResult r = parse("A\n", 2);
        assertThat(r.outcome()).isEqualTo(Outcome.ACCEPT);
        assertThat(r.recipientResults()).isEmpty();
        assertThat(r.dccHeader()).isEmpty();
        assertThat(r.detail()).contains("for 2 recipient(s)");
    }

    @Test
    void headerWithCrlfAndTabContinuationThenChecksums() {
        DccResult r = parse("A\r\nAA\r\nX-DCC-X-Metrics: h 1; Body=1\r\n\tFuz1=2 Fuz2=3\r\n                            reported: 1\r\n\r\n", 2);
        assertThat(r.dccHeader()).isEqualTo("X-DCC-X-Metrics: h 1; Body=1\n\tFuz1=2 Fuz2=3\n");
        assertThat(r.checksums()).isEqualTo("                            reported: 1\n");
        assertThat(r.recipientResults()).isEqualTo("AA");
    }

    @Test
    void whitelistHeaderAndLowercaseIsNotOurs() {
        assertThat(parse("A\nA\nX-DCC--Metrics: h; whitelist\n\n", 1).headerName()).isEqualTo("X-DCC--Metrics");
        assertThat(parse("A\nA\nx-dcc-x-Metrics: h 1; Body=1\n\n", 1).dccHeader()).isEmpty();
    }

    @Test
    void anUnknownReplyIsQuotedEscapedAndCut() {
        assertThat(parse("a\u0000b\u00e9\r\n", 1).detail()).isEqualTo("unknown DCC response: 'a\\x00b\\u00e9'");
        assertThat(parse("x".repeat(70) + "\n", 1).detail()).isEqualTo("unknown DCC response: '" + "x".repeat(60) + "...(10 more)'");
    }

    @Test
    void recordedResultsAreReused() {
        assertThat(DccResult.fromRecorded("G", "X-DCC-a-Metrics: h 1; Body=1\n").outcome()).isEqualTo(Outcome.FAIL);
        assertThat(DccResult.fromRecorded("", "")).isNull();
        assertThat(DccResult.fromRecorded("Q", "")).isNull();
    }
}
