package org.jamesexim.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

/**
 * Differential tests: the same From domain, SPF and DKIM inputs and DNS records give the same DMARC result and
 * policy in our engine, mailauth (npm) and authheaders (Debian), each with its own copy of the Public Suffix List.
 * Where a peer differs and RFC 7489 says who is right, the case names the peer's answer and the RFC section, so the
 * difference stays recorded (docs/dmarc.md lists them) and the test notices when the peer changes.
 */
class DmarcInteropTest {
    static final class Case {
        final String name;
        final Map<String, Object> json = new LinkedHashMap<>();
        final Map<String, Object> dns = new LinkedHashMap<>();
        String expected;
        Integer pct;
        final Set<DmarcPeers> skip = EnumSet.noneOf(DmarcPeers.class);
        final Map<DmarcPeers, String> divergence = new EnumMap<>(DmarcPeers.class);

        Case(String name, String from) {
            this.name = name;
            json.put("from", from);
            json.put("dns", dns);
            json.put("dkim", new ArrayList<List<String>>());
        }

        Case record(String domain, String... txt) {
            dns.put("_dmarc." + domain, List.of(txt));
            return this;
        }

        Case temperror(String domain) {
            dns.put("_dmarc." + domain, MapResolver.TEMPERROR);
            return this;
        }

        Case spf(String result, String domain) {
            json.put("spf", List.of(result, domain));
            return this;
        }

        @SuppressWarnings("unchecked")
        Case dkim(String domain, String result) {
            ((List<List<String>>) json.get("dkim")).add(List.of(domain, result));
            return this;
        }

        Case expect(String resultSlashPolicy) {
            this.expected = resultSlashPolicy;
            return this;
        }

        Case pct(int pct) {
            this.pct = pct;
            return this;
        }

        Case skip(DmarcPeers peer) {
            skip.add(peer);
            return this;
        }

        /** The peer answers {@code answer} where RFC 7489 (at {@code why}) gives {@link #expected}. */
        Case diverges(DmarcPeers peer, String answer, String why) {
            divergence.put(peer, answer + " (" + why + ")");
            return this;
        }
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(new Case("own record, SPF aligned", "alice@example.com").record("example.com", "v=DMARC1; p=reject")
                .spf("pass", "example.com").expect("pass/reject"));
        c.add(new Case("own record, nothing passes", "alice@example.com").record("example.com", "v=DMARC1; p=reject")
                .spf("fail", "example.com").dkim("example.com", "fail").expect("fail/reject"));
        c.add(new Case("subdomain: sp of the org record", "alice@news.example.com")
                .record("example.com", "v=DMARC1; p=reject; sp=quarantine").expect("fail/quarantine"));
        c.add(new Case("subdomain: p when no sp", "alice@news.example.com").record("example.com", "v=DMARC1; p=reject")
                .expect("fail/reject"));
        c.add(new Case("subdomain's own record wins over the org's", "alice@news.example.com")
                .record("news.example.com", "v=DMARC1; p=none").record("example.com", "v=DMARC1; p=reject")
                .expect("fail/none"));
        c.add(new Case("sp in the From domain's own record does not apply to it", "alice@example.com")
                .record("example.com", "v=DMARC1; p=reject; sp=none").expect("fail/reject")
                .diverges(DmarcPeers.AUTHHEADERS, "fail/none", "§6.6.3: sp is for subdomains of the record's domain"));
        c.add(new Case("relaxed DKIM: parent d= for a subdomain From", "alice@news.example.com")
                .record("example.com", "v=DMARC1; p=reject").dkim("example.com", "pass").expect("pass/reject"));
        c.add(new Case("relaxed SPF: bounce subdomain", "alice@example.com").record("example.com", "v=DMARC1; p=quarantine")
                .spf("pass", "bounces.example.com").expect("pass/quarantine"));
        c.add(new Case("relaxed: other org does not align", "alice@example.com").record("example.com", "v=DMARC1; p=reject")
                .spf("pass", "example.net").dkim("example.org", "pass").expect("fail/reject"));
        c.add(new Case("strict DKIM: parent d= does not align", "alice@news.example.com")
                .record("example.com", "v=DMARC1; p=reject; adkim=s").dkim("example.com", "pass").expect("fail/reject")
                .diverges(DmarcPeers.MAILAUTH, "pass/reject", "§3.1.1: adkim=s needs the exact domain; mailauth 4.13.3 "
                        + "passes its options object as the strict flag and falls through to relaxed"));
        c.add(new Case("strict SPF: subdomain does not align", "alice@example.com")
                .record("example.com", "v=DMARC1; p=reject; aspf=s").spf("pass", "mail.example.com").expect("fail/reject")
                .diverges(DmarcPeers.MAILAUTH, "pass/reject", "§3.1.2: aspf=s needs the exact domain"));
        c.add(new Case("strict SPF: exact domain aligns", "alice@example.com")
                .record("example.com", "v=DMARC1; p=reject; aspf=s; adkim=s").spf("pass", "example.com").expect("pass/reject"));
        c.add(new Case("strict DKIM, relaxed SPF: SPF aligns", "alice@news.example.com")
                .record("example.com", "v=DMARC1; p=reject; adkim=s").dkim("example.com", "pass")
                .spf("pass", "example.com").expect("pass/reject"));
        c.add(new Case("a failing aligned signature and a passing foreign one", "alice@example.com")
                .record("example.com", "v=DMARC1; p=reject").dkim("example.com", "fail").dkim("list.example.net", "pass")
                .expect("fail/reject"));
        c.add(new Case("pct=0 is reported, the result stays fail", "alice@example.com")
                .record("example.com", "v=DMARC1; p=reject; pct=0").expect("fail/reject").pct(0));
        c.add(new Case("pct=50", "alice@example.com").record("example.com", "v=DMARC1; p=quarantine; pct=50")
                .expect("fail/quarantine").pct(50));
        c.add(new Case("no record anywhere", "alice@example.com").expect("none/"));
        c.add(new Case("several DMARC records: none", "alice@example.com")
                .record("example.com", "v=DMARC1; p=reject", "v=DMARC1; p=none").expect("none/")
                .diverges(DmarcPeers.RSPAMD, "permerror/", "§6.6.3 step 2: several records are no policy; Rspamd 3.4 "
                        + "calls it DMARC_BAD_POLICY")
                .skip(DmarcPeers.AUTHHEADERS));
        c.add(new Case("a non-DMARC TXT beside the record is ignored", "alice@example.com")
                .record("example.com", "google-site-verification=abc", "v=DMARC1; p=reject").expect("fail/reject")
                .skip(DmarcPeers.AUTHHEADERS));
        c.add(new Case("record without p and without rua: no policy", "alice@example.com")
                .record("example.com", "v=DMARC1; adkim=s").expect("none/")
                .diverges(DmarcPeers.MAILAUTH, "fail/", "§6.6.3 step 6: no valid p and no rua is no DMARC record")
                .diverges(DmarcPeers.RSPAMD, "fail/none", "§6.6.3 step 6; Rspamd 3.4 reads a missing p as none"));
        c.add(new Case("upper case tags and values", "Alice@Example.COM").record("example.com", "v=DMARC1; P=Reject; ADKIM=R")
                .spf("pass", "EXAMPLE.com").expect("pass/reject"));
        c.add(new Case("temperror on the record lookup", "alice@example.com").temperror("example.com")
                .expect("temperror/").skip(DmarcPeers.AUTHHEADERS));
        // the Public Suffix List
        c.add(new Case("PSL co.uk: org domain is example.co.uk", "alice@mail.example.co.uk")
                .record("example.co.uk", "v=DMARC1; p=reject; sp=quarantine").dkim("example.co.uk", "pass")
                .expect("pass/quarantine"));
        c.add(new Case("PSL co.uk: a sibling under co.uk does not align", "alice@example.co.uk")
                .record("example.co.uk", "v=DMARC1; p=reject").dkim("other.co.uk", "pass").spf("pass", "co.uk")
                .expect("fail/reject"));
        c.add(new Case("PSL co.uk: the suffix's own record is never asked", "alice@example.co.uk")
                .record("co.uk", "v=DMARC1; p=reject").expect("none/"));
        c.add(new Case("PSL wildcard *.ck: bar.ck is a suffix", "alice@foo.bar.ck")
                .record("foo.bar.ck", "v=DMARC1; p=reject").dkim("bar.ck", "pass").expect("fail/reject"));
        c.add(new Case("PSL exception !www.ck: www.ck is an org domain", "alice@mail.www.ck")
                .record("www.ck", "v=DMARC1; p=quarantine").dkim("www.ck", "pass").expect("pass/quarantine")
                .diverges(DmarcPeers.RSPAMD, "none/", "§3.2 with the PSL's algorithm: !www.ck makes www.ck registrable; "
                        + "Rspamd 3.4 has the rule in its list but takes www.ck for a suffix"));
        c.add(new Case("PSL multi-level *.kawasaki.jp with !city.kawasaki.jp", "alice@x.city.kawasaki.jp")
                .record("city.kawasaki.jp", "v=DMARC1; p=reject; sp=none").expect("fail/none")
                .diverges(DmarcPeers.RSPAMD, "none/", "§3.2: the exception !city.kawasaki.jp, as for !www.ck"));
        c.add(new Case("PSL multi-level wildcard: foo.kawasaki.jp is a suffix", "alice@shop.foo.kawasaki.jp")
                .record("shop.foo.kawasaki.jp", "v=DMARC1; p=reject").dkim("foo.kawasaki.jp", "pass").expect("fail/reject"));
        c.add(new Case("PSL private section: github.io users are different orgs", "alice@alice.github.io")
                .record("alice.github.io", "v=DMARC1; p=reject").dkim("bob.github.io", "pass").expect("fail/reject"));
        c.add(new Case("PSL three-label suffix: org under pvt.k12.ma.us", "alice@mail.school.pvt.k12.ma.us")
                .record("school.pvt.k12.ma.us", "v=DMARC1; p=reject; sp=quarantine").spf("pass", "school.pvt.k12.ma.us")
                .expect("pass/quarantine"));
        c.add(new Case("PSL unknown TLD: default rule *", "alice@mail.example.unknowntld")
                .record("example.unknowntld", "v=DMARC1; p=reject").dkim("example.unknowntld", "pass").expect("pass/reject")
                .diverges(DmarcPeers.AUTHHEADERS, "none/", "§3.2 with the PSL's own algorithm: no rule matches, so the "
                        + "default rule * applies; publicsuffix2 2.2019 answers the TLD itself")
                .diverges(DmarcPeers.RSPAMD, "none/", "§3.2 and the PSL's default rule *; Rspamd 3.4 finds no "
                        + "Organizational Domain under an unlisted TLD"));
        return c;
    }

    static String ours(DmarcVerifier v, Case c, boolean[] pct) {
        DmarcInput.Builder in = DmarcInput.builder().from((String) c.json.get("from"));
        @SuppressWarnings("unchecked")
        List<String> spf = (List<String>) c.json.get("spf");
        if (spf != null) {
            in.spf(spf.get(0), spf.get(1));
        }
        @SuppressWarnings("unchecked")
        List<List<String>> dkim = (List<List<String>>) c.json.get("dkim");
        dkim.forEach(d -> in.dkim(d.get(0), d.get(1)));
        DmarcResult r = v.verify(in.build());
        if (c.pct != null) {
            assertThat(r.record().pct()).as(c.name + ": our pct").isEqualTo(c.pct);
            pct[0] = true;
        }
        return r.status().word() + "/" + (r.policy() == null ? "" : r.policy().word());
    }

    static String peer(JsonNode j) {
        String result = j.get("result").asText().toLowerCase(Locale.ROOT);
        String policy = j.get("policy").asText().toLowerCase(Locale.ROOT);
        return result + "/" + (result.equals("none") || result.equals("temperror") ? "" : policy);
    }

    @Test
    void sameResultAndPolicyAsMailauthAndAuthheaders() throws Exception {
        List<Case> cases = cases();
        List<Object> json = new ArrayList<>();
        cases.forEach(c -> json.add(c.json));
        Map<DmarcPeers, JsonNode> answers = new EnumMap<>(DmarcPeers.class);
        for (DmarcPeers p : new DmarcPeers[] {DmarcPeers.MAILAUTH, DmarcPeers.AUTHHEADERS, DmarcPeers.RSPAMD}) {
            answers.put(p, p.run(json));
        }
        PublicSuffixes[] lists = {PublicSuffixes.guava(), PublicSuffixes.file(java.nio.file.Paths.get(
                org.jamesexim.common.testing.Prerequisites.require("publicsuffix")))};
        int compared = 0;
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            for (PublicSuffixes list : lists) {
                Map<String, Object> all = new LinkedHashMap<>(c.dns);
                DmarcVerifier v = DmarcVerifier.builder(new MapResolver(all)).publicSuffixes(list).build();
                assertThat(ours(v, c, new boolean[1])).as(c.name + " (ours, PSL from " + list.source() + ")")
                        .isEqualTo(c.expected);
            }
            for (Map.Entry<DmarcPeers, JsonNode> e : answers.entrySet()) {
                if (c.skip.contains(e.getKey())) {
                    continue;
                }
                JsonNode j = e.getValue().get(i);
                String got = peer(j);
                String diverges = c.divergence.get(e.getKey());
                String want = diverges == null ? c.expected : diverges.substring(0, diverges.indexOf(' '));
                if (!got.equals(want)) {
                    problems.add(c.name + " (" + e.getKey() + "): " + got + ", expected " + want
                            + (diverges == null ? "" : " (a recorded difference)") + "; peer said " + j);
                } else if (diverges == null) {
                    compared++;
                }
                if (c.pct != null && e.getKey() == DmarcPeers.MAILAUTH && j.get("pct").asInt() != c.pct) {
                    problems.add(c.name + " (mailauth pct): " + j.get("pct"));
                }
            }
        }
        assertThat(problems).as("answers that differ from the expected ones").isEmpty();
        assertThat(compared).as("cases where a peer agrees").isGreaterThan(80);
    }

    static List<Case> treeWalkCases() {
        List<Case> c = new ArrayList<>();
        c.add(new Case("tree walk: deep From, record at the org", "alice@a.b.c.d.e.example.com")
                .record("example.com", "v=DMARC1; p=reject; sp=quarantine").expect("fail/quarantine"));
        c.add(new Case("tree walk: the walk jumps to four labels", "alice@a.b.c.d.e.example.com")
                .record("d.e.example.com", "v=DMARC1; p=reject").record("c.d.e.example.com", "v=DMARC1; p=none")
                .expect("fail/reject"));
        c.add(new Case("tree walk: psd=y, no record below it", "alice@mail.shop.example")
                .record("example", "v=DMARC1; p=reject; psd=y").expect("fail/reject"));
        c.add(new Case("tree walk: psd=n marks the org domain", "alice@mail.shop.example")
                .record("shop.example", "v=DMARC1; p=quarantine; psd=n").record("example", "v=DMARC1; p=reject; psd=y")
                .spf("pass", "shop.example").expect("pass/quarantine"));
        c.add(new Case("tree walk: the Author Domain's own record first", "alice@news.example.com")
                .record("news.example.com", "v=DMARC1; p=none").record("example.com", "v=DMARC1; p=reject")
                .expect("fail/none")
                .diverges(DmarcPeers.AUTHHEADERS_DMARCBIS, "fail/reject", "RFC 9989 §4.10.1: the Author Domain's record "
                        + "comes first; authheaders 0.15 (DMARCbis-07) takes the org domain's"));
        return c;
    }

    @Test
    void treeWalkAsAuthheadersDmarcbis() {
        List<Case> cases = treeWalkCases();
        List<Object> json = new ArrayList<>();
        cases.forEach(c -> json.add(c.json));
        JsonNode answers = DmarcPeers.AUTHHEADERS_DMARCBIS.run(json);
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            DmarcVerifier v = DmarcVerifier.builder(new MapResolver(c.dns)).discovery(DmarcVerifier.Discovery.TREEWALK).build();
            assertThat(ours(v, c, new boolean[1])).as(c.name + " (ours)").isEqualTo(c.expected);
            String got = peer(answers.get(i));
            String diverges = c.divergence.get(DmarcPeers.AUTHHEADERS_DMARCBIS);
            if (diverges == null) {
                assertThat(got).as(c.name + " (authheaders --dmarcbis)").isEqualTo(c.expected);
            } else {
                assertThat(got).as(c.name + " (authheaders --dmarcbis, a recorded difference: " + diverges + ")")
                        .isEqualTo(diverges.substring(0, diverges.indexOf(' ')));
            }
        }
    }
}
