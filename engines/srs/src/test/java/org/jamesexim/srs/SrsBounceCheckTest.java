package org.jamesexim.srs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The decision the RCPT hook and the reversing mailet share, on the engine's own terms. */
class SrsBounceCheckTest {
    static final long DAY = SrsEngineTest.DAY;
    static final SrsDeadline NONE = SrsDeadline.none();

    static SrsBounceCheck check(long day, EximNativeSrs exim, boolean bouncesOnly) {
        return new SrsBounceCheck(SrsEngineTest.engine(SrsEngineTest.mailSrs(), day), exim, bouncesOnly);
    }

    static String local(String address) {
        return address.substring(0, address.lastIndexOf('@'));
    }

    static SrsBounceCheck.Decision decide(SrsBounceCheck c, boolean nullSender, String address, boolean ours) {
        return c.decide(nullSender, local(address), address, ours, NONE);
    }

    @Test
    void aBounceToOurAddressGoesBack() {
        String srs = SrsEngineTest.engine(SrsEngineTest.mailSrs(), DAY).forward("alice@example.com", "fwd.example.net").address();
        SrsBounceCheck.Decision d = decide(check(DAY, null, true), true, srs, true);
        assertThat(d.verdict()).isEqualTo(SrsBounceCheck.Verdict.VALID);
        assertThat(d.decoded()).isEqualTo("alice@example.com");
        assertThat(d.status()).isEqualTo(SrsStatus.VALID);
    }

    @Test
    void notOursNotABounceExpiredForged() {
        String srs = SrsEngineTest.engine(SrsEngineTest.mailSrs(), DAY).forward("alice@example.com", "fwd.example.net").address();
        assertThat(decide(check(DAY, null, true), true, "bob@fwd.example.net", true).verdict()).isEqualTo(SrsBounceCheck.Verdict.NOT_OURS);
        assertThat(decide(check(DAY, null, true), true, srs, false).verdict()).as("another domain").isEqualTo(SrsBounceCheck.Verdict.NOT_OURS);
        assertThat(decide(check(DAY, null, true), false, srs, true).verdict()).isEqualTo(SrsBounceCheck.Verdict.NOT_A_BOUNCE);
        assertThat(decide(check(DAY, null, false), false, srs, true).verdict()).as("bouncesOnly off").isEqualTo(SrsBounceCheck.Verdict.VALID);
        SrsBounceCheck.Decision old = decide(check(DAY + 22, null, true), true, srs, true);
        assertThat(old.verdict()).isEqualTo(SrsBounceCheck.Verdict.EXPIRED);
        assertThat(old.decoded()).isNull();
        String forged = srs.replace("SRS0=" + srs.substring(5, 9), "SRS0=AAAA");
        assertThat(decide(check(DAY, null, true), true, forged, true).status()).isEqualTo(SrsStatus.BAD_HASH);
    }

    @Test
    void theEximNativeSecretIsTriedWhenOursDoesNotVerify() {
        EximNativeSrs exim = EximNativeSrs.lenient("exim-native-secret-for-tests", SrsVectorsTest.noonOf(DAY));
        String eximAddress = exim.encode("carol@example.org", "fwd.example.net");
        assertThat(decide(check(DAY, null, true), true, eximAddress, true).verdict()).as("without eximSecret")
            .isNotEqualTo(SrsBounceCheck.Verdict.VALID);
        SrsBounceCheck.Decision d = decide(check(DAY, exim, true), true, eximAddress, true);
        assertThat(d.verdict()).isEqualTo(SrsBounceCheck.Verdict.VALID);
        assertThat(d.decoded()).isEqualTo("carol@example.org");
    }

    @Test
    void quotedAndAnyCaseLocalPartsLookSrs() {
        assertThat(SrsBounceCheck.looksSrs("\"SRS0=x=y")).isTrue();
        assertThat(SrsBounceCheck.looksSrs("srs1+x")).isTrue();
        assertThat(SrsBounceCheck.looksSrs("SRS2=x")).isFalse();
        assertThat(SrsBounceCheck.looksSrs("SRS0")).isFalse();
    }
}
