package org.jamesexim.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.mailet.base.test.FakeMailetConfig;
import org.jamesexim.arc.ArcState;
import org.jamesexim.arc.ArcVerification;
import org.jamesexim.arc.ArcVerifier;
import org.jamesexim.arc.MailMessage;
import org.jamesexim.arc.StaticTxtResolver;
import org.jamesexim.common.config.ParamValues;
import org.jamesexim.common.testing.RsaTestKey;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ArcSeal's {@code selectors} for a key rotation (docs/arc.md, "Key rotation"): several selector/key pairs of one
 * domain, {@code selector} naming the one that seals, the others loaded and checked, each with the record to publish.
 */
class ArcSelectorsTest {
    @TempDir
    static Path dir;
    static RsaTestKey old2026;
    static RsaTestKey new2027;
    static Path oldFile;
    static Path newFile;

    @BeforeAll
    static void keys() throws Exception {
        old2026 = RsaTestKey.generate(2048);
        new2027 = RsaTestKey.generate(2048);
        oldFile = old2026.writePem(dir.resolve("arc2026.pem"));
        newFile = new2027.writePem(dir.resolve("arc2027.pem"));
    }

    static ArcSeal seal(String... kv) throws Exception {
        FakeMailetConfig.Builder c = FakeMailetConfig.builder().mailetName("ArcSeal").setProperty("authservId", "mx.example.test")
            .setProperty("domain", "example.test");
        for (int i = 0; i < kv.length; i += 2) {
            c.setProperty(kv[i], kv[i + 1]);
        }
        ArcSeal s = new ArcSeal(ArcVerifyTestDns.none());
        s.init(c.build());
        return s;
    }

    String both() {
        return "arc2026 : " + oldFile + " ; arc2027 : " + newFile;
    }

    /** The chain the next hop sees verifies with the sealing selector's record, and names that selector. */
    static ArcVerification sealAndVerify(ArcSeal seal, Map<String, String> published) throws Exception {
        FakeMail mail = ArcMailetsTest.mail(ArcMailetsTest.RAW);
        seal.service(mail);
        String as = mail.getMessage().getHeader("ARC-Seal")[0];
        assertThat(as).contains("d=example.test");
        return new ArcVerifier(new StaticTxtResolver(published)).verify(MailMessage.parse(ArcSettings.bytes(mail)),
            System.currentTimeMillis() / 1000);
    }

    @Test
    void theSelectorNamedSealsAndTheOtherIsKept() throws Exception {
        Map<String, String> bothPublished = Map.of("arc2026._domainkey.example.test", old2026.dkimRecord(),
            "arc2027._domainkey.example.test", new2027.dkimRecord());
        // before the switch: arc2026 seals, arc2027 (the new key) is already loaded and published
        FakeMail before = ArcMailetsTest.mail(ArcMailetsTest.RAW);
        seal("selectors", both(), "selector", "arc2026").service(before);
        assertThat(before.getMessage().getHeader("ARC-Seal")[0]).contains("s=arc2026");
        assertThat(sealAndVerify(seal("selectors", both(), "selector", "arc2026"), bothPublished).state()).isEqualTo(ArcState.PASS);
        // the switch: the same list, selector arc2027; the seals verify against the new record only
        FakeMail after = ArcMailetsTest.mail(ArcMailetsTest.RAW);
        seal("selectors", both(), "selector", "arc2027").service(after);
        assertThat(after.getMessage().getHeader("ARC-Seal")[0]).contains("s=arc2027");
        assertThat(sealAndVerify(seal("selectors", both(), "selector", "arc2027"),
            Map.of("arc2027._domainkey.example.test", new2027.dkimRecord())).state()).isEqualTo(ArcState.PASS);
        // a chain sealed with the old key still verifies while its record stays published, and fails once it is gone
        assertThat(new ArcVerifier(new StaticTxtResolver(bothPublished)).verify(MailMessage.parse(ArcSettings.bytes(before)),
            System.currentTimeMillis() / 1000).state()).isEqualTo(ArcState.PASS);
        assertThat(new ArcVerifier(new StaticTxtResolver(Map.of("arc2027._domainkey.example.test", new2027.dkimRecord())))
            .verify(MailMessage.parse(ArcSettings.bytes(before)), System.currentTimeMillis() / 1000).state()).isEqualTo(ArcState.FAIL);
    }

    /** What a key check (or an operator) reads: every pair, which one seals, where and what to publish. */
    @Test
    void everySelectorIsListedWithTheRecordToPublish() throws Exception {
        ParamValues values = ArcSeal.PARAMETERS.read(org.jamesexim.common.config.ParamSource.of(Map.of("authservId", "mx.example.test",
            "domain", "example.test", "selectors", both(), "selector", "arc2027",
            "perDomain", "lists.example.org = lists.example.org : lst : " + oldFile)));
        List<ArcSeal.Selector> all = ArcSeal.selectors(values, null);
        assertThat(all).extracting(ArcSeal.Selector::toString).containsExactly("arc2026._domainkey.example.test (kept)",
            "arc2027._domainkey.example.test (seals)", "lst._domainkey.lists.example.org (seals)");
        assertThat(all.get(0).dnsRecord()).isEqualTo(old2026.dkimRecord());
        assertThat(all.get(1).dnsRecord()).isEqualTo(new2027.dkimRecord());
        assertThat(all.get(2).senderDomain()).isEqualTo("lists.example.org");
        assertThat(all.get(0).senderDomain()).isNull();
    }

    @Test
    void aBadRotationSetupStopsStartNamingWhatIsWrongNeverAKey() throws Exception {
        assertThatThrownBy(() -> seal("selectors", both(), "selector", "arc2028"))
            .hasMessageContaining("selector arc2028 is not one of selectors [arc2026, arc2027]");
        assertThatThrownBy(() -> seal("selectors", both())).hasMessageContaining("selector is required when selectors is set");
        assertThatThrownBy(() -> seal("selectors", both(), "selector", "arc2026", "key", oldFile.toString()))
            .hasMessageContaining("key and selectors");
        assertThatThrownBy(() -> seal("selectors", "arc2026 : " + oldFile + " ; arc2026 : " + newFile, "selector", "arc2026"))
            .hasMessageContaining("selector arc2026 is given twice");
        assertThatThrownBy(() -> seal("selectors", "arc2026 " + oldFile, "selector", "arc2026"))
            .hasMessageContaining("must be 'selector : key'");
        // the kept key is checked like the sealing one: a short RSA key stops start, naming its selector, not the key
        RsaTestKey weak = RsaTestKey.generate(1024);
        assertThatThrownBy(() -> seal("selectors", "arc2026 : " + oldFile + " ; weak : " + weak.pem(), "selector", "arc2026"))
            .hasMessageContaining("selectors key for weak").hasMessageContaining("1024 bits")
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain("PRIVATE KEY").doesNotContain(weak.pem().substring(40, 80)));
        assertThatThrownBy(() -> seal("selectors", "arc2026 : " + oldFile + " ; next : " + dir.resolve("missing.pem"), "selector", "arc2026"))
            .hasMessageContaining("selectors key for next");
    }

    /** The single key keeps working as before (selector + key), and its record is known the same way. */
    @Test
    void oneKeyWithoutSelectorsIsUnchanged() throws Exception {
        ParamValues values = ArcSeal.PARAMETERS.read(org.jamesexim.common.config.ParamSource.of(Map.of("authservId", "mx.example.test",
            "domain", "example.test", "selector", "arc", "key", oldFile.toString())));
        assertThat(ArcSeal.selectors(values, null)).extracting(ArcSeal.Selector::toString).containsExactly("arc._domainkey.example.test (seals)");
        assertThatThrownBy(() -> seal("key", oldFile.toString())).hasMessageContaining("selector is required when key is set");
    }
}
