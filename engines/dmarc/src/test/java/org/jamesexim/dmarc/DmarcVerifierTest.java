package org.jamesexim.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class DmarcVerifierTest {
    static final Map<String, Object> REJECT = Map.of("_dmarc.origin.test", List.of("v=DMARC1; p=reject; rua=mailto:d@origin.test"));

    static DmarcVerifier.Builder verifier(Map<String, Object> dns) {
        return DmarcVerifier.builder(new MapResolver(dns));
    }

    /** What a list does to a message: its own SPF passes, the author's DKIM signature breaks. */
    static DmarcInput.Builder forwarded() {
        return DmarcInput.builder().from("Alice <alice@origin.test>").spf("pass", "lists.example")
                .dkim("origin.test", "fail").dkim("lists.example", "pass");
    }

    @Test
    void aFailingMessageGetsThePolicyAsDisposition() {
        DmarcResult r = verifier(REJECT).build().verify(forwarded().build());
        assertThat(r.status()).isEqualTo(DmarcStatus.FAIL);
        assertThat(r.policy()).isEqualTo(DmarcPolicy.REJECT);
        assertThat(r.disposition()).isEqualTo(DmarcPolicy.REJECT);
        assertThat(r.treatedAsPass()).isFalse();
        assertThat(r.authResult()).isEqualTo("dmarc=fail (p=reject dis=reject) header.from=origin.test");
    }

    @Test
    void pctSamplesTheDispositionOneStepWeakerNeverTheResult() {
        Map<String, Object> dns = Map.of("_dmarc.origin.test", List.of("v=DMARC1; p=reject; pct=30"));
        DmarcResult in = verifier(dns).percent(() -> 29).build().verify(forwarded().build());
        assertThat(in.disposition()).isEqualTo(DmarcPolicy.REJECT);
        assertThat(in.sampledOut()).isFalse();
        DmarcResult out = verifier(dns).percent(() -> 30).build().verify(forwarded().build());
        assertThat(out.status()).isEqualTo(DmarcStatus.FAIL);
        assertThat(out.disposition()).isEqualTo(DmarcPolicy.QUARANTINE);
        assertThat(out.sampledOut()).isTrue();
        assertThat(out.authResult()).isEqualTo("dmarc=fail (p=reject dis=quarantine pct=30) header.from=origin.test");
        Map<String, Object> q = Map.of("_dmarc.origin.test", List.of("v=DMARC1; p=quarantine; pct=0"));
        assertThat(verifier(q).percent(() -> 0).build().verify(forwarded().build()).disposition()).isEqualTo(DmarcPolicy.NONE);
    }

    @Test
    void arcOverrideIsOffByDefault() {
        DmarcInput in = forwarded().arc("pass", "lists.example", null).build();
        assertThat(verifier(REJECT).build().verify(in).disposition()).isEqualTo(DmarcPolicy.REJECT);
    }

    @Test
    void arcOverrideNeedsAPassingChainAndATrustedNewestSealer() {
        DmarcVerifier v = verifier(REJECT).arcOverride(true).build();
        DmarcResult r = v.verify(forwarded().arc("pass", "lists.example", null).build());
        assertThat(r.status()).isEqualTo(DmarcStatus.FAIL);
        assertThat(r.override()).isEqualTo("arc");
        assertThat(r.disposition()).isEqualTo(DmarcPolicy.NONE);
        assertThat(r.treatedAsPass()).isTrue();
        assertThat(r.authResult())
                .isEqualTo("dmarc=fail (p=reject dis=none arc=pass) header.from=origin.test policy.override=arc");
        assertThat(v.verify(forwarded().arc("pass", null, null).build()).override()).isEmpty();
        assertThat(v.verify(forwarded().arc("fail", "lists.example", null).build()).override()).isEmpty();
        assertThat(v.verify(forwarded().arc("none", null, null).build()).disposition()).isEqualTo(DmarcPolicy.REJECT);
    }

    @Test
    void arcOverrideCanAlsoAskTheOldestPassingHopsResults() {
        DmarcVerifier v = verifier(REJECT).arcOverride(true).arcOverrideNeedsAuth(true).build();
        assertThat(v.verify(forwarded().arc("pass", "lists.example", null).build()).override()).isEmpty();
        assertThat(v.verify(forwarded().arc("pass", "lists.example",
                "mx.lists.example; dkim=fail header.d=origin.test; spf=pass smtp.mailfrom=bob@elsewhere.example").build())
                .override()).isEmpty();
        assertThat(v.verify(forwarded().arc("pass", "lists.example",
                "mx.lists.example; dkim=pass header.d=origin.test header.s=sel; spf=none").build()).override()).isEqualTo("arc");
        assertThat(v.verify(forwarded().arc("pass", "lists.example",
                "mx.lists.example; dmarc=pass (p=reject) header.from=origin.test").build()).override()).isEqualTo("arc");
        assertThat(v.verify(forwarded().arc("pass", "lists.example",
                "mx.lists.example; spf=pass smtp.mailfrom=alice@mail.origin.test").build()).override()).isEqualTo("arc");
    }

    @Test
    void aDnsFailureIsTemperrorNeverAFail() {
        DmarcResult r = verifier(Map.of("_dmarc.origin.test", MapResolver.TEMPERROR)).build().verify(forwarded().build());
        assertThat(r.status()).isEqualTo(DmarcStatus.TEMPERROR);
        assertThat(r.disposition()).isEqualTo(DmarcPolicy.NONE);
        assertThat(r.reason()).contains("timed out");
        // the org domain's lookup fails after the From domain had none
        DmarcResult sub = verifier(Map.of("_dmarc.origin.test", MapResolver.TEMPERROR)).build()
                .verify(DmarcInput.builder().from("a@news.origin.test").build());
        assertThat(sub.status()).isEqualTo(DmarcStatus.TEMPERROR);
    }

    @Test
    void theDeadlineCoversAllLookupsOfOneMessage() {
        AtomicLong now = new AtomicLong(1_000);
        MapResolver slow = new MapResolver(Map.of()) {
            @Override
            public List<String> lookupTxt(String name) throws TxtLookupException {
                now.addAndGet(3_000);
                return super.lookupTxt(name);
            }
        };
        DmarcResult r = DmarcVerifier.builder(slow).clock(now::get).dnsDeadline(Duration.ofSeconds(2)).build()
                .verify(DmarcInput.builder().from("a@news.origin.test").build());
        assertThat(r.status()).isEqualTo(DmarcStatus.TEMPERROR);
        assertThat(r.reason()).contains("dnsDeadline");
        assertThat(slow.lookups.get()).isEqualTo(1);
    }

    @Test
    void aDkimTemperrorThatCouldHaveAlignedIsTemperror() {
        DmarcResult r = verifier(REJECT).build().verify(DmarcInput.builder().from("alice@origin.test")
                .dkim("origin.test", "temperror").spf("fail", "origin.test").build());
        assertThat(r.status()).isEqualTo(DmarcStatus.TEMPERROR);
        DmarcResult unrelated = verifier(REJECT).build().verify(DmarcInput.builder().from("alice@origin.test")
                .dkim("other.example", "temperror").build());
        assertThat(unrelated.status()).isEqualTo(DmarcStatus.FAIL);
        DmarcResult spf = verifier(REJECT).build().verify(DmarcInput.builder().from("alice@origin.test")
                .spf("temperror", "origin.test").build());
        assertThat(spf.status()).isEqualTo(DmarcStatus.TEMPERROR);
        DmarcResult foreignSpf = verifier(REJECT).build().verify(DmarcInput.builder().from("alice@origin.test")
                .spf("temperror", "lists.example").build());
        assertThat(foreignSpf.status()).isEqualTo(DmarcStatus.FAIL);
    }

    @Test
    void fromFieldsThatCannotBeEvaluatedArePermerror() {
        DmarcVerifier v = verifier(REJECT).build();
        assertThat(v.verify(DmarcInput.builder().build()).status()).isEqualTo(DmarcStatus.PERMERROR);
        assertThat(v.verify(DmarcInput.builder().from("a@origin.test").from("b@origin.test").build()).reason())
                .isEqualTo("several From fields");
        assertThat(v.verify(DmarcInput.builder().from("a@origin.test, b@other.example").build()).reason())
                .startsWith("several From domains");
        assertThat(v.verify(DmarcInput.builder().from("a@origin.test, \"x, y\" <b@ORIGIN.test.>").build()).status())
                .isEqualTo(DmarcStatus.FAIL);
        assertThat(v.verify(DmarcInput.builder().from("undisclosed-recipients:;").build()).status())
                .isEqualTo(DmarcStatus.PERMERROR);
        assertThat(v.verify(DmarcInput.builder().from("a@bad_domain..test").build()).status()).isEqualTo(DmarcStatus.PERMERROR);
    }

    @Test
    void fromDomainsReadPastCommentsQuotesAndGroups() {
        assertThat(FromDomains.of("\"Bob @ Work\" (x@comment.example) <bob@work.example>")).containsExactly("work.example");
        assertThat(FromDomains.of("Team: a@one.example, b@two.example;")).containsExactly("one.example", "two.example");
        assertThat(FromDomains.of("plain@Plain.Example.")).containsExactly("plain.example");
        assertThat(FromDomains.of("x@bücher.example")).containsExactly("xn--bcher-kva.example");
        assertThat(FromDomains.of("x@[192.0.2.1]")).isEmpty();
    }

    @Test
    void treeWalkTestingModeWeakensAndPctIsGone() {
        Map<String, Object> dns = Map.of("_dmarc.origin.test", List.of("v=DMARC1; p=reject; t=y; pct=0"));
        DmarcResult bis = verifier(dns).discovery(DmarcVerifier.Discovery.TREEWALK).percent(() -> 99).build()
                .verify(forwarded().build());
        assertThat(bis.disposition()).isEqualTo(DmarcPolicy.QUARANTINE);
        assertThat(bis.sampledOut()).isFalse();
        DmarcResult psl = verifier(dns).percent(() -> 99).build().verify(forwarded().build());
        assertThat(psl.disposition()).isEqualTo(DmarcPolicy.QUARANTINE);
        assertThat(psl.sampledOut()).isTrue();
    }

    @Test
    void treeWalkAlignsWithinTheOrgDomainItFound() {
        Map<String, Object> dns = Map.of("_dmarc.example.test", List.of("v=DMARC1; p=reject"),
                "_dmarc.test", List.of("v=DMARC1; p=reject; psd=y"));
        DmarcVerifier v = verifier(dns).discovery(DmarcVerifier.Discovery.TREEWALK).build();
        DmarcResult r = v.verify(DmarcInput.builder().from("a@news.example.test").dkim("mail.example.test", "pass").build());
        assertThat(r.status()).isEqualTo(DmarcStatus.PASS);
        assertThat(r.orgDomain()).isEqualTo("example.test");
        DmarcResult other = v.verify(DmarcInput.builder().from("a@news.example.test").dkim("other.test", "pass").build());
        assertThat(other.status()).isEqualTo(DmarcStatus.FAIL);
        assertThat(other.policyDomain()).isEqualTo("example.test");
    }

    @Test
    void treeWalkAsksAtMostSixNames() {
        MapResolver dns = new MapResolver(Map.of());
        DmarcVerifier.builder(dns).discovery(DmarcVerifier.Discovery.TREEWALK).build()
                .verify(DmarcInput.builder().from("a@1.2.3.4.5.6.7.8.9.example.test").build());
        // the Author Domain, then 4, 3, 2 and 1 labels
        assertThat(dns.lookups.get()).isEqualTo(5);
    }
}
