package org.jamesexim.arc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The key record a sealing key asks to have published (ArcSeal's selectors, the key rotation of docs/arc.md). */
class SigningKeyRecordTest {
    @Test
    void anRsaKeyGivesItsPublicKeyRecord() {
        TestKeys k = TestKeys.rsa(2048);
        String record = SigningKey.parse(k.pem, "test").dnsRecord();
        assertThat(record).isEqualTo(k.record);
        assertThat(record).doesNotContain(k.pem.substring(40, 80));
    }

    @Test
    void anEd25519KeyGivesItsRfc8463Record() {
        TestKeys k = TestKeys.ed25519();
        assertThat(SigningKey.parse(k.pem, "test").dnsRecord()).isEqualTo(k.record);
    }
}
