package org.jamesexim.dmarc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DmarcRecordTest {
    @Test
    void everyTagItKnows() throws Exception {
        DmarcRecord r = DmarcRecord.parse("v=DMARC1;p=quarantine; sp=reject ;np=reject; adkim=s; aspf=s; pct=25; "
                + "psd=n; t=y; rua=mailto:agg@example.com; ruf=mailto:f@example.com; fo=1; rf=afrf; ri=3600; x-new=1");
        assertThat(r.policy()).isEqualTo(DmarcPolicy.QUARANTINE);
        assertThat(r.subdomainPolicy()).isEqualTo(DmarcPolicy.REJECT);
        assertThat(r.nonExistentPolicy()).isEqualTo(DmarcPolicy.REJECT);
        assertThat(r.strictDkim()).isTrue();
        assertThat(r.strictSpf()).isTrue();
        assertThat(r.pct()).isEqualTo(25);
        assertThat(r.psd()).isEqualTo('n');
        assertThat(r.testing()).isTrue();
    }

    @Test
    void defaults() throws Exception {
        DmarcRecord r = DmarcRecord.parse("v=DMARC1; p=none");
        assertThat(r.subdomainPolicy()).isNull();
        assertThat(r.strictDkim()).isFalse();
        assertThat(r.strictSpf()).isFalse();
        assertThat(r.pct()).isEqualTo(100);
        assertThat(r.psd()).isEqualTo('u');
        assertThat(r.testing()).isFalse();
    }

    @Test
    void badOptionalValuesGiveTheirDefaults() throws Exception {
        DmarcRecord r = DmarcRecord.parse("v=DMARC1; p=reject; sp=maybe; adkim=x; pct=101; psd=yes; t=1");
        assertThat(r.subdomainPolicy()).isNull();
        assertThat(r.strictDkim()).isFalse();
        assertThat(r.pct()).isEqualTo(100);
        assertThat(r.psd()).isEqualTo('u');
        assertThat(r.testing()).isFalse();
        assertThat(DmarcRecord.parse("v=DMARC1; p=reject; pct=-1").pct()).isEqualTo(100);
        assertThat(DmarcRecord.parse("v=DMARC1; p=reject; pct=007").pct()).isEqualTo(7);
    }

    @Test
    void aMissingOrBadPIsNoneWhenRuaIsUsable() throws Exception {
        DmarcRecord r = DmarcRecord.parse("v=DMARC1; rua=mailto:d@example.com");
        assertThat(r.policy()).isEqualTo(DmarcPolicy.NONE);
        assertThat(r.policyFromRua()).isTrue();
        assertThat(DmarcRecord.parse("v=DMARC1; p=block; rua=bad, mailto:x@y").policy()).isEqualTo(DmarcPolicy.NONE);
        assertThatThrownBy(() -> DmarcRecord.parse("v=DMARC1; p=block")).hasMessageContaining("bad p=");
        assertThatThrownBy(() -> DmarcRecord.parse("v=DMARC1; sp=reject; rua=nouri")).hasMessageContaining("no p=");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "p=reject; v=DMARC1", "v=DMARC2; p=reject", "v=dmarc1; p=reject", "v=DMARC1p=reject",
        "spf1 v=DMARC1", "v = DMARC10; p=reject"})
    void notADmarcRecord(String text) {
        assertThat(DmarcRecord.isDmarc(text)).isFalse();
        assertThatThrownBy(() -> DmarcRecord.parse(text)).isInstanceOf(DmarcRecord.InvalidRecordException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v=DMARC1; p=reject", " V = DMARC1 ;p=reject", "v=DMARC1", "v=DMARC1\t; p=reject;;;"})
    void aDmarcRecord(String text) {
        assertThat(DmarcRecord.isDmarc(text)).isTrue();
    }

    /**
     * Large hostile records (4 MiB each) parse in one pass. The timeout only guards against a hang: a parser that
     * went back over the text for each tag would need hours here.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void largeHostileRecordsParseInOnePass() throws Exception {
        int n = 4 << 20;
        String[] hostile = {
            "v=DMARC1;" + ";".repeat(n) + "p=reject",
            "v=DMARC1; p=reject; x=" + "=".repeat(n),
            "v=DMARC1; p=reject; " + "a".repeat(n),
            "v=DMARC1; p" + " ".repeat(n) + "=reject",
            "v=DMARC1; p=reject; rua=" + ",".repeat(n),
            "v=DMARC1; p=reject; " + "t=y;".repeat(n / 4),
            "v=DMARC1; p=reject; " + "a ".repeat(n / 2),
        };
        for (String h : hostile) {
            DmarcRecord r = DmarcRecord.parse(h);
            assertThat(r.policy()).isEqualTo(DmarcPolicy.REJECT);
        }
        assertThat(FromDomains.of("a@b.example, " + "(".repeat(n))).containsExactly("b.example");
        assertThat(FromDomains.of("\"".repeat(n + 1) + "a@b.example")).isEmpty();
    }
}
