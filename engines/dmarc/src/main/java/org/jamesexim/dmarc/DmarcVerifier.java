package org.jamesexim.dmarc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

import org.jamesexim.arc.AuthResults;
import org.jamesexim.arc.SafeText;
import org.jamesexim.arc.TxtResolver;
import org.jamesexim.common.HeaderText;

/**
 * Evaluates DMARC for one message. Policy discovery is RFC 7489 §6.6.3 by default (the From domain's
 * {@code _dmarc} record, else its Organizational Domain's from the {@link PublicSuffixes}); with
 * {@link Discovery#TREEWALK} it is the DNS tree walk of RFC 9989 §4.10 (no Public Suffix List: Organizational Domains
 * from the records and their {@code psd} tags; {@code pct} is gone and {@code t=y} weakens the policy one step).
 * Every lookup of one message shares {@code dnsDeadline}; a lookup that cannot be answered is {@code temperror}.
 * The ARC local policy (off unless {@link Builder#arcOverride}) turns a fail into a pass when the ARC chain passed
 * and its newest sealer is trusted. Thread-safe: one instance per configuration.
 */
public final class DmarcVerifier {
    /** How the policy record and Organizational Domains are found. */
    public enum Discovery {
        /** RFC 7489: the From domain, then its Organizational Domain from the Public Suffix List (default). */
        PSL,
        /** RFC 9989 §4.10: the DNS tree walk. */
        TREEWALK;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Labels the RFC 9989 tree walk jumps to after the Author Domain, at most. */
    static final int TREE_WALK_LABELS = 4;
    private final TxtResolver resolver;
    private final PublicSuffixes suffixes;
    private final Discovery discovery;
    private final boolean arcOverride;
    private final boolean arcOverrideNeedsAuth;
    private final Duration dnsDeadline;
    private final IntSupplier percent;
    private final LongSupplier clockMillis;

    private DmarcVerifier(Builder b) {
        resolver = Objects.requireNonNull(b.resolver, "resolver");
        suffixes = b.suffixes;
        discovery = b.discovery;
        arcOverride = b.arcOverride;
        arcOverrideNeedsAuth = b.arcOverrideNeedsAuth;
        dnsDeadline = b.dnsDeadline;
        percent = b.percent;
        clockMillis = b.clockMillis;
    }

    public static Builder builder(TxtResolver resolver) {
        return new Builder(resolver);
    }

    public Discovery discovery() {
        return discovery;
    }

    public PublicSuffixes publicSuffixes() {
        return suffixes;
    }

    /** A lookup's outcome at one name: the one DMARC record, or none (no record, several, not usable). */
    private static final class Found {
        final String name;
        final DmarcRecord record;

        Found(String name, DmarcRecord record) {
            this.name = name;
            this.record = record;
        }
    }

    /** The DNS work of one message: the deadline and the answers already had. */
    private final class Lookups {
        final long deadline;
        final Map<String, DmarcRecord> seen = new HashMap<>();
        final Map<String, String> orgs = new HashMap<>();

        Lookups(long deadline) {
            this.deadline = deadline;
        }

        /** The single usable DMARC record at {@code _dmarc.domain}, or {@code null}. */
        DmarcRecord record(String domain) throws TxtResolver.TxtLookupException {
            if (seen.containsKey(domain)) {
                return seen.get(domain);
            }
            long left = deadline - clockMillis.getAsLong();
            if (left <= 0) {
                throw new TxtResolver.TxtLookupException("dnsDeadline of " + dnsDeadline.toMillis() + " ms passed before _dmarc."
                        + domain);
            }
            List<String> txt;
            try {
                txt = resolver.lookupTxt("_dmarc." + domain, Duration.ofMillis(left));
            } catch (RuntimeException e) {
                throw new TxtResolver.TxtLookupException("TXT lookup of _dmarc." + domain + " failed: " + e);
            }
            String one = null;
            int count = 0;
            for (String t : txt) {
                if (DmarcRecord.isDmarc(t)) {
                    count++;
                    one = t;
                }
            }
            DmarcRecord r = null;
            if (count == 1) {
                try {
                    r = DmarcRecord.parse(one);
                } catch (DmarcRecord.InvalidRecordException e) {
                    r = null;
                }
            }
            seen.put(domain, r);
            return r;
        }
    }

    /** Evaluates DMARC for {@code input}. Never throws: DNS failures are {@code temperror}, bad input {@code permerror}. */
    public DmarcResult verify(DmarcInput input) {
        return verify(input, clockMillis.getAsLong() + dnsDeadline.toMillis());
    }

    /**
     * As {@link #verify(DmarcInput)}, with the DNS deadline of the message already running (the glue started it
     * before looking up the DKIM keys, so that all DNS work of one message shares one {@code dnsDeadline}).
     *
     * @param deadlineMillis the time (of this verifier's clock) after which no lookup is started: then temperror
     */
    public DmarcResult verify(DmarcInput input, long deadlineMillis) {
        if (input.fromFields().isEmpty()) {
            return DmarcResult.without(DmarcStatus.PERMERROR, "", "", "no From field");
        }
        if (input.fromFields().size() > 1) {
            return DmarcResult.without(DmarcStatus.PERMERROR, "", "", "several From fields");
        }
        List<String> domains = FromDomains.of(input.fromFields().get(0));
        if (domains.isEmpty()) {
            return DmarcResult.without(DmarcStatus.PERMERROR, "", "", "no usable domain in From");
        }
        if (domains.size() > 1) {
            return DmarcResult.without(DmarcStatus.PERMERROR, "", "", "several From domains: " + String.join(",", domains));
        }
        String from = domains.get(0);
        Lookups dns = new Lookups(deadlineMillis);
        try {
            return evaluate(input, from, dns);
        } catch (TxtResolver.TxtLookupException e) {
            String org = discovery == Discovery.PSL ? suffixes.organizationalDomain(from) : from;
            return DmarcResult.without(DmarcStatus.TEMPERROR, from, org, e.getMessage());
        }
    }

    private DmarcResult evaluate(DmarcInput in, String from, Lookups dns) throws TxtResolver.TxtLookupException {
        DmarcRecord record;
        String policyDomain;
        String org;
        if (discovery == Discovery.PSL) {
            org = suffixes.organizationalDomain(from);
            record = dns.record(from);
            policyDomain = from;
            if (record == null && !org.equals(from)) {
                record = dns.record(org);
                policyDomain = org;
            }
        } else {
            List<Found> walk = walk(from, dns);
            org = orgFromWalk(from, walk);
            dns.orgs.put(from, org);
            // §4.10.1: the Author Domain's record, else the Organizational Domain's, else the PSD's
            Found chosen = null;
            for (String want : new String[] {from, org}) {
                for (Found f : walk) {
                    if (chosen == null && f.name.equals(want)) {
                        chosen = f;
                    }
                }
            }
            for (Found f : walk) {
                if (chosen == null && f.record.psd() == 'y') {
                    chosen = f;
                }
            }
            record = chosen == null ? null : chosen.record;
            policyDomain = chosen == null ? "" : chosen.name;
        }
        if (record == null) {
            return DmarcResult.without(DmarcStatus.NONE, from, org, "no DMARC record for " + from);
        }
        boolean subdomain = !policyDomain.equals(from);
        DmarcPolicy policy = subdomain && record.subdomainPolicy() != null ? record.subdomainPolicy() : record.policy();

        String spfAligned = "";
        String dkimAligned = "";
        boolean temporary = false;
        if (in.spfResult().equals("pass") && in.spfDomain() != null) {
            String d = FromDomains.normalise(in.spfDomain());
            if (d != null && aligned(from, org, d, record.strictSpf(), dns)) {
                spfAligned = d;
            }
        } else if (in.spfResult().equals("temperror") && in.spfDomain() != null) {
            String d = FromDomains.normalise(in.spfDomain());
            temporary = d != null && aligned(from, org, d, record.strictSpf(), dns);
        }
        for (DmarcInput.Dkim k : in.dkim()) {
            if (!dkimAligned.isEmpty()) {
                break;
            }
            String d = k.domain() == null ? null : FromDomains.normalise(k.domain());
            if (d == null) {
                continue;
            }
            if (k.result().equals("pass")) {
                if (aligned(from, org, d, record.strictDkim(), dns)) {
                    dkimAligned = d;
                }
            } else if (k.result().equals("temperror") && aligned(from, org, d, record.strictDkim(), dns)) {
                temporary = true;
            }
        }
        if (!spfAligned.isEmpty() || !dkimAligned.isEmpty()) {
            return new DmarcResult(DmarcStatus.PASS, from, org, policyDomain, record, policy, DmarcPolicy.NONE, false,
                    DmarcResult.NO_OVERRIDE, spfAligned, dkimAligned, "");
        }
        if (temporary) {
            return new DmarcResult(DmarcStatus.TEMPERROR, from, org, policyDomain, record, policy, DmarcPolicy.NONE, false,
                    DmarcResult.NO_OVERRIDE, "", "", "an SPF or DKIM check that could have aligned had a temporary error");
        }
        String reason = "no aligned SPF or DKIM pass";
        if (arcOverride && arcAllows(in, from, org, dns)) {
            return new DmarcResult(DmarcStatus.FAIL, from, org, policyDomain, record, policy, DmarcPolicy.NONE, false,
                    DmarcResult.ARC_OVERRIDE, "", "", reason + "; ARC passed, newest sealer " + in.arcTrustedSealer()
                    + " trusted");
        }
        DmarcPolicy disposition = policy;
        boolean sampledOut = false;
        if (discovery == Discovery.PSL) {
            if (record.pct() < 100 && policy != DmarcPolicy.NONE && percent.getAsInt() >= record.pct()) {
                disposition = policy.weaker();
                sampledOut = true;
            }
        } else if (record.testing()) {
            disposition = policy.weaker();
        }
        return new DmarcResult(DmarcStatus.FAIL, from, org, policyDomain, record, policy, disposition, sampledOut,
                DmarcResult.NO_OVERRIDE, "", "", reason);
    }

    /** Identifier alignment (RFC 7489 §3.1): strict is the same domain, relaxed the same Organizational Domain. */
    private boolean aligned(String from, String fromOrg, String d, boolean strict, Lookups dns)
            throws TxtResolver.TxtLookupException {
        if (d.equals(from)) {
            return true;
        }
        if (strict) {
            return false;
        }
        if (discovery == Discovery.PSL) {
            return suffixes.organizationalDomain(d).equals(fromOrg);
        }
        // tree walk: only a domain sharing the Organizational Domain's labels can share it; walk only those
        if (!(d.equals(fromOrg) || d.endsWith("." + fromOrg) || fromOrg.endsWith("." + d))) {
            return false;
        }
        String org = dns.orgs.get(d);
        if (org == null) {
            org = orgFromWalk(d, walk(d, dns));
            dns.orgs.put(d, org);
        }
        return org.equals(fromOrg);
    }

    /**
     * RFC 9989 §4.10: the DMARC records found from {@code domain} towards the root (the domain, then at most
     * {@value #TREE_WALK_LABELS} labels, then one label less each time), stopping at a record with {@code psd=y}
     * or {@code psd=n}. Longest name first.
     */
    private List<Found> walk(String domain, Lookups dns) throws TxtResolver.TxtLookupException {
        List<Found> found = new ArrayList<>(3);
        String[] labels = domain.split("\\.");
        int n = labels.length;
        int keep = n;
        while (keep >= 1) {
            String name = join(labels, n - keep);
            DmarcRecord r = dns.record(name);
            if (r != null) {
                found.add(new Found(name, r));
                if (r.psd() == 'y' || r.psd() == 'n') {
                    break;
                }
            }
            keep = keep == n ? Math.min(n - 1, TREE_WALK_LABELS) : keep - 1;
        }
        return found;
    }

    /**
     * RFC 9989 §4.10.2: a {@code psd=n} record marks the Organizational Domain, a {@code psd=y} record the domain
     * one label below it; otherwise it is the domain with the fewest labels holding a record, or {@code domain}
     * itself when there is none.
     */
    private static String orgFromWalk(String domain, List<Found> walk) {
        String fewest = null;
        for (Found f : walk) {
            if (f.record.psd() == 'n') {
                return f.name;
            }
            if (f.record.psd() == 'y') {
                if (f.name.equals(domain)) {
                    return domain;
                }
                int psdLabels = f.name.split("\\.").length;
                String[] labels = domain.split("\\.");
                return join(labels, labels.length - psdLabels - 1);
            }
            fewest = f.name;
        }
        return fewest == null ? domain : fewest;
    }

    private static String join(String[] labels, int from) {
        return String.join(".", java.util.Arrays.asList(labels).subList(Math.max(0, from), labels.length));
    }

    /**
     * The ARC local policy: the chain passed, its newest sealer is trusted, and (with {@code arcOverrideNeedsAuth})
     * the oldest passing hop's ARC-Authentication-Results shows dmarc=pass for the From domain, or an SPF or DKIM pass
     * aligned with it.
     */
    private boolean arcAllows(DmarcInput in, String from, String org, Lookups dns) throws TxtResolver.TxtLookupException {
        if (!in.arcState().equals("pass") || in.arcTrustedSealer() == null || in.arcTrustedSealer().isEmpty()) {
            return false;
        }
        if (!arcOverrideNeedsAuth) {
            return true;
        }
        AuthResults aar = in.arcOldestPassResults() == null ? null : AuthResults.parse("x; " + in.arcOldestPassResults());
        if (aar == null) {
            return false;
        }
        for (String r : aar.results()) {
            String method = AuthResults.resultOf(List.of(r), "dmarc") != null ? "dmarc"
                    : AuthResults.resultOf(List.of(r), "dkim") != null ? "dkim"
                    : AuthResults.resultOf(List.of(r), "spf") != null ? "spf" : null;
            if (method == null || !"pass".equals(AuthResults.resultOf(List.of(r), method))) {
                continue;
            }
            String d = property(r, method.equals("dmarc") ? "header.from" : method.equals("dkim") ? "header.d" : "smtp.mailfrom");
            if (d == null && method.equals("dkim")) {
                d = property(r, "header.i");
            }
            if (d == null) {
                continue;
            }
            d = FromDomains.normalise(d.substring(d.lastIndexOf('@') + 1));
            if (d == null) {
                continue;
            }
            if (method.equals("dmarc") ? d.equals(from) : aligned(from, org, d, false, dns)) {
                return true;
            }
        }
        return false;
    }

    /** The value of {@code ptype.property=value} in one A-R result, or {@code null}. */
    static String property(String result, String name) {
        String lower = result.toLowerCase(Locale.ROOT);
        int i = 0;
        while ((i = lower.indexOf(name + "=", i)) >= 0) {
            if (i == 0 || lower.charAt(i - 1) == ' ' || lower.charAt(i - 1) == ')') {
                int a = i + name.length() + 1;
                int b = a;
                while (b < result.length() && result.charAt(b) != ' ' && result.charAt(b) != ';' && result.charAt(b) != '(') {
                    b++;
                }
                return HeaderText.of(result.substring(a, b), 320);
            }
            i += name.length();
        }
        return null;
    }

    public static final class Builder {
        private final TxtResolver resolver;
        private PublicSuffixes suffixes = PublicSuffixes.guava();
        private Discovery discovery = Discovery.PSL;
        private boolean arcOverride;
        private boolean arcOverrideNeedsAuth;
        private Duration dnsDeadline = Duration.ofSeconds(15);
        private IntSupplier percent = () -> ThreadLocalRandom.current().nextInt(100);
        private LongSupplier clockMillis = System::currentTimeMillis;

        private Builder(TxtResolver resolver) {
            this.resolver = resolver;
        }

        public Builder publicSuffixes(PublicSuffixes s) {
            this.suffixes = Objects.requireNonNull(s);
            return this;
        }

        public Builder discovery(Discovery d) {
            this.discovery = Objects.requireNonNull(d);
            return this;
        }

        /** The ARC local policy (default off). */
        public Builder arcOverride(boolean on) {
            this.arcOverride = on;
            return this;
        }

        /** With the ARC override: also ask the oldest passing hop's ARC-Authentication-Results for a pass. */
        public Builder arcOverrideNeedsAuth(boolean on) {
            this.arcOverrideNeedsAuth = on;
            return this;
        }

        /** All DNS lookups of one message (default 15 s), then temperror. */
        public Builder dnsDeadline(Duration d) {
            this.dnsDeadline = Objects.requireNonNull(d);
            return this;
        }

        /** The {@code pct} sample: a number 0..99 per failing message (default: random). */
        public Builder percent(IntSupplier p) {
            this.percent = Objects.requireNonNull(p);
            return this;
        }

        public Builder clock(LongSupplier millis) {
            this.clockMillis = Objects.requireNonNull(millis);
            return this;
        }

        public DmarcVerifier build() {
            return new DmarcVerifier(this);
        }
    }
}
