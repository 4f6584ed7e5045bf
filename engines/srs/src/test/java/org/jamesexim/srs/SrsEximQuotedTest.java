package org.jamesexim.srs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Exim native SRS and quoted local parts. Exim 4.96's {@code ${srs_encode}} turns {@code "john doe"@example.com} into
 * {@code "SRS0=521d=nr=example.com=john doe"@fwd.example.net} (a vector of shared/vectors/srs), and its
 * {@code inbound_srs}, given that local part with its quotes, says no (its pattern starts at {@code SRS0=}). The exact
 * class ({@code new EximNativeSrs}, the CLI's {@code --format exim}) answers as Exim; the pack ({@link EximNativeSrs#lenient},
 * what {@code eximSecret} uses) reads the content of the quotes, so the bounce to an address Exim made comes back.
 */
class SrsEximQuotedTest {
    static final String SECRET = "tops3cr3t"; // the vectors' secret (Exim's output for it is known)
    static final long DAY = 19889;
    static final String QUOTED = "\"SRS0=521d=nr=example.com=john doe\"@fwd.example.net";

    @Test
    void eximsOwnEncodingOfAQuotedSenderIsTheQuotedAddress() {
        assertThat(new EximNativeSrs(SECRET, SrsVectorsTest.noonOf(DAY)).encode("\"john doe\"@example.com", "fwd.example.net")).isEqualTo(QUOTED);
    }

    @Test
    void exactlyAsEximTheQuotedFormIsNo() {
        EximNativeSrs exim = new EximNativeSrs(SECRET, SrsVectorsTest.noonOf(DAY));
        SrsReverseResult r = exim.inbound(QUOTED);
        assertThat(r.valid()).isFalse();
        assertThat(r.status()).isEqualTo(SrsStatus.NOT_SRS);
        // the same local part without quotes: yes, as Exim (the vector)
        assertThat(exim.inbound("SRS0=521d=nr=example.com=john doe").recipient()).contains("\"john doe\"@example.com");
    }

    @Test
    void thePackReadsTheContentOfTheQuotes() {
        EximNativeSrs pack = EximNativeSrs.lenient(SECRET, SrsVectorsTest.noonOf(DAY));
        SrsReverseResult r = pack.inbound(QUOTED);
        assertThat(r.status()).isEqualTo(SrsStatus.VALID);
        assertThat(r.recipient()).contains("\"john doe\"@example.com");
        // a quoted plain address too, and through the bounce decision SrsRcptHook and SrsReverse share
        assertThat(pack.inbound("\"SRS0=4df1=nr=example.com=alice\"@fwd.example.net").recipient()).contains("alice@example.com");
        SrsEngine engine = new SrsEngine(SrsConfig.builder().secrets("a-mail-srs-secret-for-this-test").build(), SrsVectorsTest.noonOf(DAY));
        SrsBounceCheck check = new SrsBounceCheck(engine, pack, true);
        SrsBounceCheck.Decision d = check.decide(true, "\"SRS0=521d=nr=example.com=john doe\"", QUOTED, true, SrsDeadline.none());
        assertThat(d.verdict()).isEqualTo(SrsBounceCheck.Verdict.VALID);
        assertThat(d.decoded()).isEqualTo("\"john doe\"@example.com");
    }

    @Test
    void theQuotesCarryNoTrust() {
        EximNativeSrs pack = EximNativeSrs.lenient(SECRET, SrsVectorsTest.noonOf(DAY));
        // the content is what is checked: a changed local part, a quote around part of it, an expired stamp
        assertThat(pack.inbound("\"SRS0=521d=nr=example.com=john dough\"@fwd.example.net").status()).isEqualTo(SrsStatus.BAD_HASH);
        assertThat(pack.inbound("\"SRS0=521d\"=nr=example.com=john doe@fwd.example.net").valid()).isFalse();
        assertThat(EximNativeSrs.lenient(SECRET, SrsVectorsTest.noonOf(DAY + 11)).inbound(QUOTED).status()).isEqualTo(SrsStatus.EXPIRED);
    }
}
